package org.lockmap.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A virtual thread per task, as a server that starts one per request does: each operation starts a new
 * virtual thread that does one {@code get} or one locked increment on a random key, and joins it. A map
 * that keeps per-thread state (LockMap's scratch buffers, Chronicle Map's contexts) builds it again in
 * every such thread; {@code none}, an empty task, is the floor (the start and join alone).
 */
@State(Scope.Benchmark)
public class VirtualThreadBenchmark extends PeerBenchmark
{
    /** The map under test, or {@code none} for an empty task. */
    @Param({"none", BenchMap.LOCKMAP, BenchMap.CHM, BenchMap.CHRONICLE})
    public String map;

    /** How many keys the map is prefilled with, and drawn from. */
    @Param("65536")
    public int entries;

    /** Always {@code random}: read by {@link Picker}. */
    @Param("random")
    public String access;

    private BenchMap<Long> target;
    private Long[] keys;
    private volatile Object sink;

    /**
     * Builds and prefills the map.
     *
     * @param params unused beyond the parameters.
     */
    @Setup(Level.Trial)
    public void setUp(final BenchmarkParams params)
    {
        keys = Keys.keys(entries);
        if ("none".equals(map))
        {
            return;
        }
        final Long[] values = Keys.values(entries);
        target = BenchMap.create(map, entries, false);
        for (final int i : Keys.shuffledIndices(entries))
        {
            target.set(keys[i], values[i]);
        }
    }

    /**
     * Frees the map.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (target != null)
        {
            target.close();
        }
    }

    /**
     * @param p the key picker.
     * @throws InterruptedException never.
     */
    @Benchmark
    public void get(final Picker p) throws InterruptedException
    {
        final Long key = keys[p.next()];
        Thread.ofVirtual().start(() -> sink = target == null ? key : target.get(key)).join();
    }

    /**
     * @param p the key picker.
     * @throws InterruptedException never.
     */
    @Benchmark
    public void rmw(final Picker p) throws InterruptedException
    {
        final Long key = keys[p.next()];
        Thread.ofVirtual().start(() ->
        {
            if (target != null)
            {
                target.increment(key);
            }
            sink = key;
        }).join();
    }
}
