package org.lockmap.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One thread walks the whole map's {@code keySet()} over and over ({@code iterateWhileWriting}), or polls
 * its {@code size()} ({@code sizeWhileWriting}), while another writes random keys ({@code set}, as in
 * {@link MapBenchmark}), side by side for the three maps, 1M {@code Long -> Long} entries. Sample time, so the result shows both what a full walk takes ({@code iterate}) and what the
 * walk does to the writer's latency ({@code write}: its percentiles and maximum): a map that copies a
 * whole shard's keys under the shard's lock makes every writer of that shard wait for the copy.
 *
 * <pre>
 *   java ... -jar benchmarks/target/benchmarks.jar IterationBenchmark -f 2
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
public class IterationBenchmark extends PeerBenchmark
{
    /** The map under test; see {@link BenchMap}. */
    @Param({BenchMap.LOCKMAP, BenchMap.CHM, BenchMap.CHRONICLE})
    public String map;

    /** How many keys the map is prefilled with, and the writer draws from. */
    @Param("1000000")
    public int entries;

    /** What {@code iterate} walks: {@code keys} ({@code keySet()}) or {@code entries} ({@code entrySet()}, every value read). */
    @Param("keys")
    public String view;

    BenchMap<Long> target;
    Long[] keys;
    Long[] values;

    /**
     * Builds and prefills the map, in random order.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        keys = Keys.keys(entries);
        values = Keys.values(entries);
        target = BenchMap.create(map, entries, true);
        for (final int i : Keys.shuffledIndices(entries))
        {
            target.set(keys[i], values[i]);
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
     * @return the keys' hash sum.
     */
    @Benchmark
    @Group("iterateWhileWriting")
    @GroupThreads(1)
    public long iterate()
    {
        return "entries".equals(view) ? target.iterateEntries() : target.iterateKeys();
    }

    /**
     * @param p the key picker.
     */
    @Benchmark
    @Group("iterateWhileWriting")
    @GroupThreads(1)
    public void write(final Picker p)
    {
        final int i = p.next();
        target.set(keys[i], values[i]);
    }

    /**
     * @return the map's size, as a thread that polls it for monitoring would read it.
     */
    @Benchmark
    @Group("sizeWhileWriting")
    @GroupThreads(1)
    public long size()
    {
        return target.size();
    }

    /**
     * @param p the key picker.
     */
    @Benchmark
    @Group("sizeWhileWriting")
    @GroupThreads(1)
    public void writeBesideSize(final Picker p)
    {
        write(p);
    }
}
