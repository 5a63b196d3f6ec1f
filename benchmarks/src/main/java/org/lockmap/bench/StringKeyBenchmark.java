package org.lockmap.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Variable-size keys: {@code String -> Long}, keys of 16 to 20 ASCII characters ({@link Keys#strings}),
 * otherwise as {@link MapBenchmark}'s {@code get} and {@code rmw}: the same {@link BenchMap} targets,
 * built for {@link KeyKind#STRINGS}.
 */
@State(Scope.Benchmark)
public class StringKeyBenchmark extends PeerBenchmark
{
    /** The map under test. */
    @Param({BenchMap.LOCKMAP, BenchMap.CHM, BenchMap.CHRONICLE})
    public String map;

    /** How many keys the map is prefilled with, and drawn from. */
    @Param("1000000")
    public int entries;

    /** {@code random} or {@code sequential}, as in {@link MapBenchmark#access}. */
    @Param("random")
    public String access;

    private String[] keys;
    private BenchMap<String> target;

    /**
     * Builds and prefills the map, in random order.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        keys = Keys.strings(entries);
        target = BenchMap.create(map, entries, false, KeyKind.STRINGS);
        for (final int i : Keys.shuffledIndices(entries))
        {
            target.set(keys[i], (long)i);
        }
        if (target.size() != entries)
        {
            throw new IllegalStateException(map + " holds " + target.size() + " entries after prefilling " + entries);
        }
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
     */
    @Benchmark
    public void rmw(final Picker p)
    {
        target.increment(keys[p.next()]);
    }
}
