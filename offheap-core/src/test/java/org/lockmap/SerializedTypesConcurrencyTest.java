package org.lockmap;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maps of records and of Chronicle {@code BytesMarshallable} values, and a map with record keys, used
 * concurrently through the public API: locked read-modify-writes, compute and merge sum exactly, and
 * every value read, under a lock or not, is one that was written whole, never a mix of two.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SerializedTypesConcurrencyTest
{
    private static final int WRITERS = 3;
    private static final int READERS = 2;
    private static final int INCREMENTS = 5_000;
    private static final int KEYS = 3;

    /**
     * Variable-size: the name's length changes with the count, so the stored size changes on most writes.
     */
    public record Counter(long count, int twice, double half, String name)
    {
        static Counter of(final long count)
        {
            return new Counter(count, (int)(count * 2), count / 2.0, nameOf(count));
        }

        Counter next()
        {
            return of(count + 1);
        }
    }

    /**
     * Fixed-size, 28 bytes: every field derives from the count, in bits that differ from one count to the next.
     */
    public record FixedCounter(long count, long complement, int low, double asDouble)
    {
        static FixedCounter of(final long count)
        {
            return new FixedCounter(count, ~count, (int)count * 31, (double)count);
        }

        FixedCounter next()
        {
            return of(count + 1);
        }
    }

    /**
     * Overrides both Chronicle methods, so no reflection is involved.
     */
    static final class Tally implements BytesMarshallable
    {
        long count;
        int twice;
        String label;
        double half;

        static Tally of(final long count)
        {
            return new Tally().set(count);
        }

        Tally set(final long count)
        {
            this.count = count;
            this.twice = (int)(count * 2);
            this.label = nameOf(count);
            this.half = count / 2.0;
            return this;
        }

        @Override
        public void writeMarshallable(final BytesOut<?> out)
        {
            out.writeLong(count);
            out.writeInt(twice);
            out.writeUtf8(label);
            out.writeDouble(half);
        }

        @Override
        public void readMarshallable(final BytesIn<?> in)
        {
            count = in.readLong();
            twice = in.readInt();
            label = in.readUtf8();
            half = in.readDouble();
        }

        @Override
        public String toString()
        {
            return "Tally(" + count + ", " + twice + ", " + label + ", " + half + ")";
        }
    }

    /**
     * A composite key; a fresh instance is made for every use, so only equal components make two the same key.
     */
    public record TenantKey(String tenant, long id, double weight)
    {
    }

    static String nameOf(final long count)
    {
        return "v" + count + "-".repeat((int)(count % 7));
    }

    static void assertConsistent(final Counter value)
    {
        assertEquals(Counter.of(value.count()), value, "a torn or mixed Counter");
    }

    static void assertConsistent(final FixedCounter value)
    {
        assertEquals(FixedCounter.of(value.count()), value, "a torn or mixed FixedCounter");
    }

    static void assertConsistent(final Tally value)
    {
        final Tally expected = Tally.of(value.count);
        assertTrue(expected.twice == value.twice && expected.label.equals(value.label) &&
            Double.compare(expected.half, value.half) == 0, () -> "a torn or mixed " + value);
    }

    /**
     * What one test needs to know about its value type.
     *
     * @param of         the value holding a count.
     * @param next       the value holding the count plus one.
     * @param count      the count a value holds.
     * @param consistent fails unless the value's fields agree with its count.
     * @param <V>        the value type.
     */
    record ValueType<V>(LongFunction<V> of, Function<V, V> next, ToLongFunction<V> count, Consumer<V> consistent)
    {
    }

    /**
     * Writers add one to a key's count, each write a different way in turn (lock, get and put; compute; merge),
     * while readers read the keys without locking; then each key's count must be exactly its increments.
     *
     * @param read how a reader reads a key without locking it.
     */
    private static <K, V> void incrementConcurrently(
        final LockMap<K, V> map,
        final List<K> keys,
        final ValueType<V> type,
        final BiFunction<LockMap<K, V>, K, V> read)
    {
        final AtomicLongArray expected = new AtomicLongArray(keys.size());
        final AtomicInteger writersDone = new AtomicInteger();
        final AtomicLong reads = new AtomicLong();
        Workers.run(WRITERS + READERS, Duration.ofSeconds(90), t ->
        {
            if (t >= WRITERS)
            {
                final long[] lastSeen = new long[keys.size()];
                while (writersDone.get() < WRITERS)
                {
                    for (int k = 0; k < keys.size(); k++)
                    {
                        final V value = read.apply(map, keys.get(k));
                        if (value != null)
                        {
                            type.consistent().accept(value);
                            final long count = type.count().applyAsLong(value);
                            assertTrue(count >= lastSeen[k], "key " + k + " went back from " + lastSeen[k] + " to " +
                                count);
                            lastSeen[k] = count;
                            reads.incrementAndGet();
                        }
                    }
                }
                return;
            }
            try
            {
                for (int i = 0; i < INCREMENTS; i++)
                {
                    final int k = (i + t) % keys.size();
                    final K key = keys.get(k);
                    switch ((i / keys.size() + t) % 3)
                    {
                        case 0 ->
                        {
                            try (LockedEntry<K, V> entry = map.lock(key))
                            {
                                final V value = entry.get();
                                if (value != null)
                                {
                                    type.consistent().accept(value);
                                }
                                entry.put(value == null ? type.of().apply(1) : type.next().apply(value));
                            }
                        }
                        case 1 -> map.compute(key, (ignored, value) ->
                        {
                            if (value != null)
                            {
                                type.consistent().accept(value);
                            }
                            return value == null ? type.of().apply(1) : type.next().apply(value);
                        });
                        default -> map.merge(key, type.of().apply(1), (value, one) ->
                        {
                            type.consistent().accept(value);
                            return type.next().apply(value);
                        });
                    }
                    expected.incrementAndGet(k);
                }
            }
            finally
            {
                writersDone.incrementAndGet();
            }
        });

        long total = 0;
        for (int k = 0; k < keys.size(); k++)
        {
            final V value = map.get(keys.get(k));
            type.consistent().accept(value);
            assertEquals(expected.get(k), type.count().applyAsLong(value), "count of key " + k);
            total += type.count().applyAsLong(value);
        }
        assertEquals((long)WRITERS * INCREMENTS, total);
        assertEquals(keys.size(), map.size());
        assertTrue(reads.get() > 0, "the reader never saw a value");
    }

    private static List<Long> longKeys()
    {
        final List<Long> keys = new ArrayList<>();
        for (long k = 0; k < KEYS; k++)
        {
            keys.add(k * 1_000_003);
        }
        return keys;
    }

    @Test
    void variableSizeRecordValuesSumExactlyAndAreNeverTorn()
    {
        final ValueType<Counter> type = new ValueType<>(
            Counter::of, Counter::next, Counter::count, SerializedTypesConcurrencyTest::assertConsistent);
        try (LockMap<Long, Counter> map =
            LockMap.builder(Serializers.longs(), Serializers.records(Counter.class)).expectedEntries(64).build())
        {
            assertEquals(Serializer.VARIABLE_SIZE, map.valueSerializer().fixedSize());
            incrementConcurrently(map, longKeys(), type, LockMap::get);
        }
    }

    @Test
    void fixedSizeRecordValuesSumExactlyAndAreNeverTorn()
    {
        final ValueType<FixedCounter> type = new ValueType<>(
            FixedCounter::of, FixedCounter::next, FixedCounter::count, SerializedTypesConcurrencyTest::assertConsistent);
        try (LockMap<Long, FixedCounter> map =
            LockMap.builder(Serializers.longs(), Serializers.records(FixedCounter.class)).expectedEntries(64).build())
        {
            assertEquals(8 + 8 + 4 + 8, map.valueSerializer().fixedSize());
            incrementConcurrently(map, longKeys(), type, LockMap::get);
        }
    }

    @Test
    void marshallableValuesSumExactlyAndAreNeverTorn()
    {
        final ValueType<Tally> type = new ValueType<>(
            Tally::of, value -> Tally.of(value.count + 1), value -> value.count,
            SerializedTypesConcurrencyTest::assertConsistent);
        final ThreadLocal<Tally> reuse = ThreadLocal.withInitial(Tally::new);
        try (LockMap<String, Tally> map =
            LockMap.builder(Serializers.strings(), Serializers.marshallable(Tally::new)).expectedEntries(64).build())
        {
            incrementConcurrently(map, List.of("alpha", "b", "gamma \u00E9\uD83D\uDE00"), type, (m, key) ->
            {
                final Tally into = reuse.get();
                final Tally read = m.getUsing(key, into);
                if (read != null)
                {
                    assertSame(into, read, "getUsing must fill the object it is given");
                }
                return read;
            });
        }
    }

    @Test
    void getUsingFillsTheReusedMarshallable()
    {
        try (LockMap<String, Tally> map =
            LockMap.builder(Serializers.strings(), Serializers.marshallable(Tally::new)).expectedEntries(16).build())
        {
            map.put("k", Tally.of(41));
            map.put("other", Tally.of(1234));
            final Tally reuse = new Tally();
            reuse.count = -1;
            reuse.twice = -1;
            reuse.label = "stale, and longer than what replaces it";
            reuse.half = Double.NaN;

            assertSame(reuse, map.getUsing("k", reuse));
            assertConsistent(reuse);
            assertEquals(41, reuse.count);
            assertEquals(nameOf(41), reuse.label);

            assertSame(reuse, map.getUsing("other", reuse));
            assertConsistent(reuse);
            assertEquals(1234, reuse.count);

            try (LockedEntry<String, Tally> entry = map.lock("k"))
            {
                final Tally value = entry.get();
                entry.put(value.set(value.count + 1));
            }
            assertSame(reuse, map.getUsing("k", reuse));
            assertEquals(42, reuse.count);
            assertConsistent(reuse);

            assertNull(map.getUsing("absent", reuse));
            assertEquals(42, reuse.count, "a miss must leave the reused object alone");
        }
    }

    @Test
    void equalRecordKeysAreOneKeyUnderConcurrentMerges()
    {
        final String[] tenants = { "acme", "acme\u00E9", "" };
        final int ids = 4;
        final int perThread = 1_500;
        try (LockMap<TenantKey, Long> map =
            LockMap.builder(Serializers.records(TenantKey.class), Serializers.longs()).expectedEntries(64).build())
        {
            final AtomicLongArray expected = new AtomicLongArray(tenants.length * ids);
            Workers.run(WRITERS, Duration.ofSeconds(90), t ->
            {
                for (int i = 0; i < perThread; i++)
                {
                    final int slot = (i * 7 + t) % (tenants.length * ids);
                    // new String: equal, never the same instance as another thread's.
                    final TenantKey key = new TenantKey(new String(tenants[slot / ids]), slot % ids, 0.5);
                    if (i % 2 == 0)
                    {
                        map.merge(key, 1L, Long::sum);
                    }
                    else
                    {
                        try (LockedEntry<TenantKey, Long> entry = map.lock(key))
                        {
                            final Long value = entry.get();
                            entry.put(value == null ? 1L : value + 1);
                        }
                    }
                    expected.incrementAndGet(slot);
                }
            });

            assertEquals(tenants.length * ids, map.size(), "equal records must be one key each");
            long total = 0;
            for (int slot = 0; slot < tenants.length * ids; slot++)
            {
                final TenantKey key = new TenantKey(tenants[slot / ids], slot % ids, 0.5);
                assertEquals(expected.get(slot), map.get(key), "count of " + key);
                total += map.get(key);
            }
            assertEquals((long)WRITERS * perThread, total);
            for (final TenantKey key : map.keySet())
            {
                assertTrue(expected.get(slotOf(key, tenants, ids)) > 0, "unexpected key " + key);
            }
        }
    }

    @Test
    void recordKeysAgreeWithRecordEqualsOnNaNAndNegativeZero()
    {
        try (LockMap<TenantKey, Long> map =
            LockMap.builder(Serializers.records(TenantKey.class), Serializers.longs()).expectedEntries(16).build())
        {
            final TenantKey nan = new TenantKey("t", 1, Double.NaN);
            final TenantKey otherNan = new TenantKey("t", 1, Double.longBitsToDouble(0x7ff8_0000_0000_0001L));
            final TenantKey zero = new TenantKey("t", 1, 0.0);
            final TenantKey negativeZero = new TenantKey("t", 1, -0.0);
            // Record equals compares doubles with Double.compare: all NaNs are equal, 0.0 and -0.0 are not.
            assertEquals(nan, otherNan);
            assertNotEquals(zero, negativeZero);

            map.put(nan, 1L);
            map.put(zero, 2L);
            map.put(negativeZero, 3L);
            assertEquals(1L, map.put(otherNan, 4L));

            assertEquals(3, map.size());
            assertEquals(4L, map.get(nan));
            assertEquals(2L, map.get(new TenantKey("t", 1, 0.0)));
            assertEquals(3L, map.get(new TenantKey("t", 1, -0.0)));
            assertNull(map.get(new TenantKey("t", 2, 0.0)));
            assertNull(map.get(new TenantKey("u", 1, 0.0)));
        }
    }

    private static int slotOf(final TenantKey key, final String[] tenants, final int ids)
    {
        for (int tenant = 0; tenant < tenants.length; tenant++)
        {
            if (tenants[tenant].equals(key.tenant()) && key.id() >= 0 && key.id() < ids && key.weight() == 0.5)
            {
                return tenant * ids + (int)key.id();
            }
        }
        throw new AssertionError("unexpected key " + key);
    }
}
