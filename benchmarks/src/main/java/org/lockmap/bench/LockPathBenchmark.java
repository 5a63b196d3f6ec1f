package org.lockmap.bench;

import org.lockmap.BatchLock;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * LockMap's locking calls besides {@code lock}, one thread, {@code Long -> Long}, with {@code -prof gc}
 * in mind: what each call allocates per operation, beside {@code lock} as the baseline. Every method
 * does the same locked increment ({@code e.put(e.get() + 1)}, whose two {@code Long}s are 48 B/op
 * with the default object header) on keys drawn as in {@link MapBenchmark}.
 *
 * <ul>
 *   <li>{@code lock}, {@code tryLock}, {@code tryLockTimed} ({@code tryLock(k, 1, SECONDS)}): one key.</li>
 *   <li>{@code lockAll}: {@link #batch} keys, each incremented through {@code BatchLock.get(k)}, so the
 *       score is per batch: divide by {@link #batch} for per key. The key list is built once; what is
 *       measured is the sort, the locks, the lookups and the releases.</li>
 * </ul>
 *
 * No peer runs here: Chronicle Map has no per-key try-lock or multi-key lock to set beside these.
 */
@State(Scope.Benchmark)
public class LockPathBenchmark extends PeerBenchmark
{
    /** How many keys the map is prefilled with, and drawn from. */
    @Param("1000000")
    public int entries;

    /** {@code random} or {@code sequential}, as in {@link MapBenchmark#access}. */
    @Param("random")
    public String access;

    /** Keys per {@code lockAll}. */
    @Param({"2", "64"})
    public int batch;

    private LockMap<Long, Long> map;
    private Long[] keys;
    private List<Long>[] batches;

    /**
     * Builds and prefills the map, and the key lists for {@code lockAll}.
     */
    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp()
    {
        keys = Keys.keys(entries);
        final Long[] values = Keys.values(entries);
        map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(entries)
            .build();
        for (final int i : Keys.shuffledIndices(entries))
        {
            map.set(keys[i], values[i]);
        }
        // Every key in one list, so that lockAll's keys are as spread, and as rarely cached, as lock's.
        final int[] order = Keys.shuffledIndices(entries);
        batches = new List[Math.max(1, entries / batch)];
        for (int b = 0; b < batches.length; b++)
        {
            final Long[] batchKeys = new Long[batch];
            for (int k = 0; k < batch; k++)
            {
                batchKeys[k] = keys[order[(b * batch + k) % entries]];
            }
            batches[b] = Arrays.asList(batchKeys);
        }
    }

    /**
     * Frees the map.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        map.close();
    }

    /**
     * @param p the key picker.
     */
    @Benchmark
    public void lock(final Picker p)
    {
        try (LockedEntry<Long, Long> e = map.lock(keys[p.next()]))
        {
            e.put(e.get() + 1);
        }
    }

    /**
     * @param p the key picker.
     */
    @Benchmark
    public void tryLock(final Picker p)
    {
        try (LockedEntry<Long, Long> e = map.tryLock(keys[p.next()]))
        {
            if (e != null)
            {
                e.put(e.get() + 1);
            }
        }
    }

    /**
     * @param p the key picker.
     * @throws InterruptedException never: nothing interrupts the benchmark thread.
     */
    @Benchmark
    public void tryLockTimed(final Picker p) throws InterruptedException
    {
        try (LockedEntry<Long, Long> e = map.tryLock(keys[p.next()], 1, TimeUnit.SECONDS))
        {
            if (e != null)
            {
                e.put(e.get() + 1);
            }
        }
    }

    /**
     * @param p the key picker (its index picks the batch).
     */
    @Benchmark
    public void lockAll(final Picker p)
    {
        final List<Long> keyList = batches[p.next() % batches.length];
        try (BatchLock<Long, Long> locked = map.lockAll(keyList))
        {
            for (int i = 0; i < keyList.size(); i++)
            {
                final LockedEntry<Long, Long> e = locked.get(keyList.get(i));
                e.put(e.get() + 1);
            }
        }
    }
}
