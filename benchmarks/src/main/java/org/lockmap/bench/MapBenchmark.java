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
 * LockMap, ConcurrentHashMap and Chronicle Map side by side: {@code Long -> Long}, prefilled with
 * {@link #entries} keys, each operation on a key drawn uniformly at random from them (so every get hits).
 *
 * <ul>
 *   <li>{@code get}: {@code map.get(k)}. CHM returns the stored object; LockMap and Chronicle decode
 *       a new {@code Long} (24 B/op with the default 12-byte object header: the API's
 *       result, not the map's).</li>
 *   <li>{@code put}: {@code map.put(k, v)} returning the previous value (decoded, so 24 B/op for the
 *       off-heap maps).</li>
 *   <li>{@code set}: the write without the previous value: {@code LockMap.set}; Chronicle's {@code put}
 *       on a map built with {@code putReturnsNull(true)}; CHM's {@code put} with the result dropped.</li>
 *   <li>{@code rmw}: the locked read-modify-write: {@code LockMap.lock(k)} then
 *       {@code e.put(e.get() + 1)}; Chronicle's {@code queryContext(k)} + {@code updateLock()} +
 *       {@code replaceValue}; CHM's {@code merge(k, 1L, Long::sum)}.</li>
 * </ul>
 *
 * Keys and values are boxed once in {@link Keys}; the benchmark itself allocates nothing, so
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} is the map's (and its API's) allocation. With
 * {@code -p keyType=string} the keys are {@code String}s of 16 to 20 characters ({@link Keys#strings}),
 * the values still {@code Long}s.
 *
 * <p>Threads: 1 here; {@code -t 2} (or the report runner) for two threads. Each thread draws its own
 * random keys; throughput is the sum over threads.
 */
@State(Scope.Benchmark)
public class MapBenchmark extends PeerBenchmark
{
    /** The map under test; see {@link BenchMap}. */
    @Param({BenchMap.LOCKMAP, BenchMap.CHM, BenchMap.CHRONICLE})
    public String map;

    /** How many keys the map is prefilled with, and drawn from. */
    @Param("1000000")
    public int entries;

    /**
     * How each thread picks its next key. {@code random}: an index drawn uniformly at random, so fetching
     * the boxed key from the array is itself a cache miss or two, paid by every map alike. {@code
     * sequential}: the key array walked in order (so the key is at hand, as one parsed from a message
     * would be) while the maps still see uniformly random keys, because keys are spread by
     * {@link Keys#mix64} and inserted in random order. Run it with {@code -p access=sequential}; it shows
     * how much of each operation's time is the map's own memory traffic. The {@link Report}'s main table
     * uses it, and measures the locked read-modify-write with {@code random} too.
     */
    @Param("random")
    public String access;

    /** {@code long} ({@link KeyKind#LONGS}, the report's) or {@code string} ({@link KeyKind#STRINGS}). */
    @Param("long")
    public String keyType;

    BenchMap<Object> target;
    Object[] keys;
    Long[] values;

    /**
     * Builds and prefills the map.
     *
     * @param params which benchmark runs: the {@code set} benchmark builds Chronicle with
     *               {@code putReturnsNull(true)}.
     */
    @Setup(Level.Trial)
    public void setUp(final BenchmarkParams params)
    {
        final boolean strings = "string".equals(keyType);
        keys = strings ? Keys.strings(entries) : Keys.keys(entries);
        values = Keys.values(entries);
        target = create(strings ? KeyKind.STRINGS : KeyKind.LONGS, params.getBenchmark().endsWith(".set"));
        // In random order, so that no map's memory layout follows the key array's order.
        for (final int i : Keys.shuffledIndices(entries))
        {
            target.set(keys[i], values[i]);
        }
        if (target.size() != entries)
        {
            throw new IllegalStateException(map + " holds " + target.size() + " entries after prefilling " + entries);
        }
    }

    /** The map, typed for keys that the benchmark holds as {@code Object}s (one key type per trial). */
    @SuppressWarnings("unchecked")
    private BenchMap<Object> create(final KeyKind<?> kind, final boolean putReturnsNull)
    {
        return (BenchMap<Object>)BenchMap.create(map, entries, putReturnsNull, kind);
    }

    /**
     * Frees the map.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        target.close();
    }

    /**
     * @param p the key picker.
     * @return the value.
     */
    @Benchmark
    public Long get(final Picker p)
    {
        return target.get(keys[p.next()]);
    }

    /**
     * @param p the key picker.
     * @return the previous value.
     */
    @Benchmark
    public Long put(final Picker p)
    {
        final int i = p.next();
        return target.put(keys[i], values[i]);
    }

    /**
     * @param p the key picker.
     */
    @Benchmark
    public void set(final Picker p)
    {
        final int i = p.next();
        target.set(keys[i], values[i]);
    }

    /**
     * @param p the key picker.
     */
    @Benchmark
    public void rmw(final Picker p)
    {
        target.increment(keys[p.next()]);
    }
}
