package org.lockmap.bench;

import org.agrona.UnsafeApi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Not a map: the floor under any map's {@code get} and locked read-modify-write at 1M random
 * {@code Long -> Long} keys, for two memory layouts with no API, serializer, owner check or fallback
 * path around them. Run it beside {@link MapBenchmark} to see how far a layout change could take
 * LockMap, and whether a target ratio is reachable at all under the report's harness.
 *
 * <ul>
 *   <li>{@code indirect}: LockMap's layout. An open-addressing table of 8-byte slots
 *       ({@code tag << 32 | entry number}) and 32-byte entries elsewhere, allocated in random order
 *       (lock word, key, value): two dependent misses, slot then entry.</li>
 *   <li>{@code inline}: the entry in the slot itself (32-byte slots: lock word, used flag, key,
 *       value): one miss. Entries of such a table move when it grows or deletes, which LockMap's
 *       held entries do not allow; this measures what that would buy.</li>
 * </ul>
 *
 * Both tables are 3/4 full, probe linearly from {@code hash * capacity >>> 32}, and take the lock word
 * with one CAS and give it back with one exchange, as a futex mutex does. Keys come as in
 * {@link MapBenchmark}: {@code random} draws an index and reads the boxed key from the benchmark's
 * array (two misses of the harness's own, paid by every map), {@code sequential} walks the array so the
 * key is at hand while the table still sees random keys. {@link #work} lengthens the operation without
 * adding a miss.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.LOCKMAP_UNSAFE, JvmFlags.HEAP_MIN, JvmFlags.HEAP_MAX, JvmFlags.PRE_TOUCH})
public class LayoutBoundBenchmark
{
    private static final int ENTRY = 32;
    private static final int LOCK = 0;
    private static final int USED = 4;
    private static final int KEY = 8;
    private static final int VALUE = 16;

    /** {@code inline} or {@code indirect}; see the class comment. */
    @Param({"inline", "indirect"})
    public String layout;

    /** How many keys the table is filled with, and drawn from. */
    @Param("1000000")
    public int entries;

    /** {@code random} or {@code sequential}, as in {@link MapBenchmark#access}. */
    @Param("random")
    public String access;

    /**
     * Rounds of xorshift (three shifts and three xors each, a chain of its own that depends on no load)
     * after each operation: a stand-in for a longer code path, to show how much of the throughput comes
     * from the CPU running the next operation's misses while the current one's are still in flight.
     */
    @Param("0")
    public int work;

    private Long[] keys;
    private long sink;
    private boolean inline;
    private int capacity;
    private long table;
    private long entryBlock;

    /**
     * Builds and fills the table, inserting in random order.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        keys = Keys.keys(entries);
        inline = "inline".equals(layout);
        sink = 1;
        capacity = (int)(entries * 4L / 3) + 1;
        final long tableBytes = (long)capacity * (inline ? ENTRY : Long.BYTES);
        table = UnsafeApi.allocateMemory(tableBytes);
        UnsafeApi.setMemory(table, tableBytes, (byte)0);
        entryBlock = inline ? 0 : UnsafeApi.allocateMemory((long)entries * ENTRY);
        final int[] order = Keys.shuffledIndices(entries);
        for (int n = 0; n < entries; n++)
        {
            insert(keys[order[n]], n);
        }
    }

    /**
     * Frees the table.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        UnsafeApi.freeMemory(table);
        if (entryBlock != 0)
        {
            UnsafeApi.freeMemory(entryBlock);
        }
    }

    /**
     * @param picker this thread's key picker.
     * @return the value of a random key.
     */
    @Benchmark
    public long get(final Picker picker)
    {
        final long entry = find(keys[picker.next()]);
        final long value = UnsafeApi.getLong(entry + VALUE);
        busyWork();
        return value;
    }

    /**
     * @param picker this thread's key picker.
     */
    @Benchmark
    public void rmw(final Picker picker)
    {
        final long entry = find(keys[picker.next()]);
        // CAS free -> held: acquires the entry's value, as a futex mutex's lock does.
        while (!UnsafeApi.compareAndSetInt(null, entry + LOCK, 0, 1))
        {
            Thread.onSpinWait();
        }
        UnsafeApi.putLong(entry + VALUE, UnsafeApi.getLong(entry + VALUE) + 1);
        // Exchange to free: releases the value write, and tells the releaser whether to wake anyone.
        UnsafeApi.getAndSetInt(null, entry + LOCK, 0);
        busyWork();
    }

    private void busyWork()
    {
        long x = sink;
        for (int r = 0; r < work; r++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
    }

    private long find(final long key)
    {
        final long hash = Keys.mix64(key ^ 0x9E3779B97F4A7C15L);
        final int tag = (int)hash;
        int i = (int)(((tag & 0xFFFF_FFFFL) * capacity) >>> 32);
        while (true)
        {
            if (inline)
            {
                final long slot = table + (long)i * ENTRY;
                if (UnsafeApi.getLong(slot + KEY) == key && UnsafeApi.getInt(slot + USED) != 0)
                {
                    return slot;
                }
            }
            else
            {
                final long slot = UnsafeApi.getLong(table + (long)i * Long.BYTES);
                if ((int)(slot >>> 32) == tag)
                {
                    final long entry = entryBlock + (long)(int)slot * ENTRY;
                    if (UnsafeApi.getLong(entry + KEY) == key)
                    {
                        return entry;
                    }
                }
            }
            i = i + 1 == capacity ? 0 : i + 1;
        }
    }

    private void insert(final long key, final int n)
    {
        final long hash = Keys.mix64(key ^ 0x9E3779B97F4A7C15L);
        final int tag = (int)hash;
        int i = (int)(((tag & 0xFFFF_FFFFL) * capacity) >>> 32);
        while (inline ? UnsafeApi.getInt(table + (long)i * ENTRY + USED) != 0 : UnsafeApi.getLong(table + (long)i * Long.BYTES) != 0)
        {
            i = i + 1 == capacity ? 0 : i + 1;
        }
        final long entry;
        if (inline)
        {
            entry = table + (long)i * ENTRY;
            UnsafeApi.putInt(entry + USED, 1);
        }
        else
        {
            entry = entryBlock + (long)n * ENTRY;
            UnsafeApi.putLong(table + (long)i * Long.BYTES, ((long)tag << 32) | n);
        }
        UnsafeApi.putInt(entry + LOCK, 0);
        UnsafeApi.putLong(entry + KEY, key);
        UnsafeApi.putLong(entry + VALUE, key >>> 1);
    }
}
