package org.lockmap.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Builds a map and inserts {@link #ENTRIES} new {@code Long -> Long} entries in random order, then closes
 * it: what an insert costs, with {@code hint=presized} (built for the entries) or {@code hint=16} (grown
 * from a tiny hint, so every table is outgrown on the way). Chronicle Map does not grow far past the size
 * it was built for, so it runs presized only (with {@code hint=16} its trial fails at once).
 *
 * <pre>
 *   java ... -jar benchmarks/target/benchmarks.jar FillBenchmark -f 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FillBenchmark extends PeerBenchmark
{
    /** Entries inserted per invocation. */
    static final int ENTRIES = 200_000;

    /** The map under test; see {@link BenchMap}. */
    @Param({BenchMap.LOCKMAP, BenchMap.CHM, BenchMap.CHRONICLE})
    public String map;

    /** {@code presized}, or the number of entries the map is built for. */
    @Param({"presized", "16"})
    public String hint;

    Long[] keys;
    Long[] values;
    int[] order;

    /**
     * Boxes the keys and values once, and draws the insertion order.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        if (BenchMap.CHRONICLE.equals(map) && !"presized".equals(hint))
        {
            throw new IllegalStateException("Chronicle Map runs presized only");
        }
        keys = Keys.keys(ENTRIES);
        values = Keys.values(ENTRIES);
        order = Keys.shuffledIndices(ENTRIES);
    }

    /**
     * @return the map's size, checked.
     */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public long fill()
    {
        try (BenchMap<Long> target = BenchMap.create(map, "presized".equals(hint) ? ENTRIES : Integer.parseInt(hint), true))
        {
            for (final int i : order)
            {
                target.set(keys[i], values[i]);
            }
            final long size = target.size();
            if (size != ENTRIES)
            {
                throw new IllegalStateException(map + " holds " + size + " entries after inserting " + ENTRIES);
            }
            return size;
        }
    }
}
