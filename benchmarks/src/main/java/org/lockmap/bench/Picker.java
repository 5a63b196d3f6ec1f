package org.lockmap.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A per-thread xorshift generator of indices in {@code [0, entries)} (or, for {@code sequential}
 * access, a cursor starting at a random index): a few cycles, no allocation, the same cost for every
 * map. It reads the benchmark's {@code entries} and {@code access} parameters by name, so any benchmark
 * with those two parameters can take it.
 */
@State(Scope.Thread)
public class Picker
{
    private long state;
    private int bound;
    private boolean sequential;
    private int cursor;

    /**
     * @param params the benchmark's parameters: {@code entries} and {@code access}.
     * @param thread this thread's index, for a distinct seed per thread.
     */
    @Setup(Level.Trial)
    public void setUp(final BenchmarkParams params, final ThreadParams thread)
    {
        bound = Integer.parseInt(params.getParam("entries"));
        state = Keys.mix64(0x9E3779B97F4A7C15L * (thread.getThreadIndex() + 1)) | 1;
        sequential = "sequential".equals(params.getParam("access"));
        cursor = (int)(((state >>> 32) * bound) >>> 32);
    }

    int next()
    {
        if (sequential)
        {
            final int i = cursor;
            cursor = i + 1 == bound ? 0 : i + 1;
            return i;
        }
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        // Lemire's multiply-shift: uniform in [0, bound) from the top 32 bits.
        return (int)(((x >>> 32) * bound) >>> 32);
    }
}
