package org.lockmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link java.util.concurrent.ConcurrentMap} contract, one thread, method by method, checked against
 * a {@link HashMap} that receives the same calls.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentMapContractTest
{
    private LockMap<Long, String> map;
    private final Map<Long, String> model = new HashMap<>();

    @BeforeEach
    void build()
    {
        map = Maps.longToString();
    }

    @AfterEach
    void close()
    {
        map.close();
    }

    private void assertSameAsModel()
    {
        assertEquals(model.size(), map.size(), "size");
        assertEquals(model.size(), map.sizeLong(), "sizeLong");
        assertEquals(model.isEmpty(), map.isEmpty(), "isEmpty");
        assertEquals(model, map, "model.equals(map)");
        assertEquals(map, model, "map.equals(model)");
        assertEquals(model.hashCode(), map.hashCode(), "hashCode");
        assertEquals(model.keySet(), map.keySet(), "keySet");
        assertEquals(model.entrySet(), map.entrySet(), "entrySet");
        assertEquals(new HashSet<>(model.values()), new HashSet<>(map.values()), "values");
        assertEquals(model.size(), map.values().size(), "values().size()");
        for (final Map.Entry<Long, String> e : model.entrySet())
        {
            assertEquals(e.getValue(), map.get(e.getKey()), "get " + e.getKey());
            assertTrue(map.containsKey(e.getKey()));
            assertTrue(map.containsValue(e.getValue()));
        }
    }

    @Test
    void emptyMapIsEmptyAndEqualToAnEmptyHashMap()
    {
        assertTrue(map.isEmpty());
        assertEquals(0, map.size());
        assertEquals(0L, map.sizeLong());
        assertNull(map.get(1L));
        assertFalse(map.containsKey(1L));
        assertFalse(map.containsValue("x"));
        assertFalse(map.keySet().iterator().hasNext());
        assertThrows(NoSuchElementException.class, () -> map.entrySet().iterator().next());
        assertEquals(Map.of(), map);
        assertEquals(0, map.hashCode());
        assertFalse(map.isClosed());
    }

    @Test
    void putReturnsPreviousValueAndGetReturnsLast()
    {
        assertNull(map.put(1L, "a"));
        model.put(1L, "a");
        assertEquals("a", map.put(1L, "b"));
        model.put(1L, "b");
        assertNull(map.put(2L, ""));
        model.put(2L, "");
        assertSameAsModel();
    }

    @Test
    void removeReturnsPreviousValueAndForgetsTheKey()
    {
        map.put(1L, "a");
        map.put(2L, "b");
        assertEquals("a", map.remove(1L));
        assertNull(map.remove(1L));
        assertNull(map.remove(3L));
        model.put(2L, "b");
        assertSameAsModel();
    }

    @Test
    void conditionalRemoveAndReplaceCompareValues()
    {
        map.put(1L, "a");
        assertFalse(map.remove(1L, "b"), "remove(k, wrong value)");
        assertFalse(map.remove(2L, "a"), "remove(absent, v)");
        assertEquals("a", map.get(1L));
        assertTrue(map.remove(1L, "a"));
        assertFalse(map.containsKey(1L));

        map.put(1L, "a");
        assertFalse(map.replace(1L, "x", "y"), "replace(k, wrong old, new)");
        assertEquals("a", map.get(1L));
        assertTrue(map.replace(1L, "a", "b"));
        assertEquals("b", map.get(1L));
        assertFalse(map.replace(2L, "a", "b"), "replace(absent, old, new)");
        assertFalse(map.containsKey(2L));

        assertEquals("b", map.replace(1L, "c"));
        assertNull(map.replace(2L, "c"), "replace(absent, v) does not insert");
        assertFalse(map.containsKey(2L));
        model.put(1L, "c");
        assertSameAsModel();
    }

    @Test
    void putIfAbsentKeepsTheExistingValue()
    {
        assertNull(map.putIfAbsent(1L, "a"));
        assertEquals("a", map.putIfAbsent(1L, "b"));
        assertEquals("a", map.get(1L));
        model.put(1L, "a");
        assertSameAsModel();
    }

    @Test
    void computeFamilyFollowsTheMapContractIncludingNullMeaningRemove()
    {
        assertEquals("1", map.compute(1L, (k, v) -> v == null ? "1" : v + "!"));
        assertEquals("1!", map.compute(1L, (k, v) -> v == null ? "1" : v + "!"));
        assertNull(map.compute(1L, (k, v) -> null), "compute returning null removes");
        assertFalse(map.containsKey(1L));
        assertNull(map.compute(2L, (k, v) -> null), "compute of absent returning null");
        assertFalse(map.containsKey(2L));

        assertEquals("x", map.computeIfAbsent(3L, k -> "x"));
        assertEquals("x", map.computeIfAbsent(3L, k -> { throw new AssertionError("must not be called when present"); }));
        assertNull(map.computeIfAbsent(4L, k -> null), "computeIfAbsent returning null does not insert");
        assertFalse(map.containsKey(4L));

        assertNull(map.computeIfPresent(5L, (k, v) -> { throw new AssertionError("must not be called when absent"); }));
        assertFalse(map.containsKey(5L));
        assertEquals("xy", map.computeIfPresent(3L, (k, v) -> v + "y"));
        assertNull(map.computeIfPresent(3L, (k, v) -> null), "computeIfPresent returning null removes");
        assertFalse(map.containsKey(3L));

        assertEquals("m", map.merge(6L, "m", (a, b) -> { throw new AssertionError("must not be called when absent"); }));
        assertEquals("mn", map.merge(6L, "n", String::concat));
        assertNull(map.merge(6L, "z", (a, b) -> null), "merge returning null removes");
        assertFalse(map.containsKey(6L));

        assertEquals(0, map.size());
        assertTrue(map.isEmpty());
    }

    @Test
    void computeFunctionsSeeTheKeyAndCurrentValue()
    {
        map.put(7L, "seven");
        map.compute(7L, (k, v) ->
        {
            assertEquals(7L, k);
            assertEquals("seven", v);
            return v;
        });
        map.computeIfPresent(7L, (k, v) ->
        {
            assertEquals(7L, k);
            assertEquals("seven", v);
            return v;
        });
        map.merge(7L, "new", (old, given) ->
        {
            assertEquals("seven", old);
            assertEquals("new", given);
            return old;
        });
        assertEquals("seven", map.get(7L));
    }

    @Test
    void getOrDefaultPutAllReplaceAllForEach()
    {
        assertEquals("d", map.getOrDefault(1L, "d"));
        final Map<Long, String> source = new HashMap<>();
        for (long i = 0; i < 100; i++)
        {
            source.put(i, "v" + i);
        }
        map.putAll(source);
        model.putAll(source);
        assertEquals("v5", map.getOrDefault(5L, "d"));
        assertSameAsModel();

        map.replaceAll((k, v) -> v + "/" + k);
        model.replaceAll((k, v) -> v + "/" + k);
        assertSameAsModel();

        final Map<Long, String> seen = new HashMap<>();
        map.forEach((k, v) -> assertNull(seen.put(k, v), "forEach visits each key once"));
        assertEquals(model, seen);
    }

    @Test
    void viewsReflectTheMapAndIteratorsVisitEachKeyOnce()
    {
        for (long i = 0; i < 1000; i++)
        {
            map.put(i, Long.toString(i * 3));
            model.put(i, Long.toString(i * 3));
        }
        final List<Long> keys = new ArrayList<>();
        for (final Long k : map.keySet())
        {
            keys.add(k);
        }
        assertEquals(1000, keys.size());
        assertEquals(1000, new HashSet<>(keys).size(), "no key visited twice");
        assertTrue(map.keySet().contains(5L));
        assertFalse(map.keySet().contains(5000L));
        assertTrue(map.entrySet().contains(new SimpleEntry<>(5L, "15")));
        assertFalse(map.entrySet().contains(new SimpleEntry<>(5L, "16")));
        assertTrue(map.values().contains("15"));
        assertEquals(1000, map.keySet().size());
        assertEquals(1000, map.entrySet().size());
        assertSameAsModel();
    }

    @Test
    void keySetIteratorRemoveRemovesTheKeyItReturned()
    {
        for (long i = 0; i < 200; i++)
        {
            map.put(i, "v" + i);
            model.put(i, "v" + i);
        }
        final Iterator<Long> it = map.keySet().iterator();
        assertThrows(IllegalStateException.class, it::remove, "remove before next");
        int removed = 0;
        while (it.hasNext())
        {
            final Long k = it.next();
            if (k % 3 == 0)
            {
                it.remove();
                assertThrows(IllegalStateException.class, it::remove, "remove twice");
                assertFalse(map.containsKey(k), "removed key " + k + " is gone at once");
                model.remove(k);
                removed++;
            }
        }
        assertEquals(67, removed);
        assertThrows(NoSuchElementException.class, it::next);
        assertSameAsModel();
    }

    @Test
    void valuesAndEntrySetIteratorRemoveRemoveTheirKey()
    {
        for (long i = 0; i < 100; i++)
        {
            map.put(i, i % 2 == 0 ? "even" : "odd" + i);
            model.put(i, i % 2 == 0 ? "even" : "odd" + i);
        }
        final Iterator<String> values = map.values().iterator();
        while (values.hasNext())
        {
            if (values.next().equals("even"))
            {
                values.remove();
            }
        }
        model.values().removeIf("even"::equals);
        assertSameAsModel();

        final Iterator<Map.Entry<Long, String>> entries = map.entrySet().iterator();
        while (entries.hasNext())
        {
            final Map.Entry<Long, String> e = entries.next();
            if (e.getKey() % 5 == 1)
            {
                entries.remove();
                model.remove(e.getKey());
            }
        }
        assertSameAsModel();
    }

    @Test
    void viewRemovalMethodsWriteThrough()
    {
        for (long i = 0; i < 50; i++)
        {
            map.put(i, "v" + (i % 7));
            model.put(i, "v" + (i % 7));
        }
        assertTrue(map.keySet().remove(3L));
        assertFalse(map.keySet().remove(3L));
        model.remove(3L);
        assertTrue(map.entrySet().remove(new SimpleEntry<>(4L, "v4")));
        assertFalse(map.entrySet().remove(new SimpleEntry<>(5L, "wrong")), "entrySet().remove with a different value");
        model.remove(4L);
        assertTrue(map.keySet().removeIf(k -> k > 40));
        model.keySet().removeIf(k -> k > 40);
        assertTrue(map.values().removeIf("v0"::equals));
        model.values().removeIf("v0"::equals);
        assertTrue(map.entrySet().removeIf(e -> e.getKey() == 10L));
        model.remove(10L);
        assertSameAsModel();
        map.keySet().clear();
        model.clear();
        assertSameAsModel();
    }

    @Test
    void clearEmptiesTheMap()
    {
        for (long i = 0; i < 5000; i++)
        {
            map.put(i, "x");
        }
        assertEquals(5000, map.size());
        map.clear();
        assertEquals(0, map.size());
        assertTrue(map.isEmpty());
        assertNull(map.get(17L));
        assertFalse(map.keySet().iterator().hasNext());
        assertNull(map.put(17L, "again"), "a cleared key is absent");
        assertEquals(1, map.size());
    }

    @Test
    void equalsAndHashCodeAgreeWithHashMapBothWays()
    {
        for (long i = -50; i < 50; i++)
        {
            map.put(i, "s" + i);
            model.put(i, "s" + i);
        }
        assertEquals(model, map);
        assertEquals(map, model);
        assertEquals(model.hashCode(), map.hashCode());
        model.put(0L, "different");
        assertNotEquals(model, map);
        assertNotEquals(map, model);
        model.put(0L, "s0");
        model.put(1000L, "extra");
        assertNotEquals(map, model);
        assertNotEquals(model, map);
    }

    @Test
    void nullKeysAndValuesAreRejectedWithNullPointerException()
    {
        map.put(1L, "a");
        assertThrows(NullPointerException.class, () -> map.put(null, "a"));
        assertThrows(NullPointerException.class, () -> map.put(2L, null));
        assertThrows(NullPointerException.class, () -> map.get(null));
        assertThrows(NullPointerException.class, () -> map.containsKey(null));
        assertThrows(NullPointerException.class, () -> map.remove(null));
        assertThrows(NullPointerException.class, () -> map.putIfAbsent(null, "a"));
        assertThrows(NullPointerException.class, () -> map.putIfAbsent(2L, null));
        assertThrows(NullPointerException.class, () -> map.replace(1L, null));
        assertThrows(NullPointerException.class, () -> map.replace(1L, "a", null));
        assertThrows(NullPointerException.class, () -> map.replace(null, "a"));
        assertThrows(NullPointerException.class, () -> map.compute(null, (k, v) -> "x"));
        assertThrows(NullPointerException.class, () -> map.compute(1L, null));
        assertThrows(NullPointerException.class, () -> map.computeIfAbsent(null, k -> "x"));
        assertThrows(NullPointerException.class, () -> map.merge(1L, null, String::concat));
        assertThrows(NullPointerException.class, () -> map.merge(null, "a", String::concat));
        assertThrows(NullPointerException.class, () -> map.set(null, "a"));
        assertThrows(NullPointerException.class, () -> map.set(1L, null));
        assertThrows(NullPointerException.class, () -> map.delete(null));
        assertThrows(NullPointerException.class, () -> map.lock(null));
        assertThrows(NullPointerException.class, () -> map.tryLock(null));
        assertThrows(NullPointerException.class, () -> map.tryLock(null, 1, TimeUnit.MILLISECONDS));
        assertThrows(NullPointerException.class, () -> map.lockAll(null));
        assertThrows(NullPointerException.class, () -> map.lockAll(java.util.Arrays.asList(1L, null)));
        try (LockedEntry<Long, String> e = map.lock(1L))
        {
            assertThrows(NullPointerException.class, () -> e.put(null));
        }
        assertEquals(Map.of(1L, "a"), map, "rejected calls changed nothing");
        assertTrue(Probe.isFree(map, 1L), "no key is left held after a rejected call");
    }

    @Test
    void setDeleteGetUsingAndSizeLong()
    {
        map.set(1L, "a");
        assertEquals("a", map.get(1L));
        map.set(1L, "b");
        assertEquals("b", map.get(1L));
        assertEquals(1L, map.sizeLong());
        assertEquals("b", map.getUsing(1L, "reuse-ignored"));
        assertNull(map.getUsing(2L, "reuse-ignored"));
        assertTrue(map.delete(1L));
        assertFalse(map.delete(1L));
        assertEquals(0L, map.sizeLong());
        assertSame(Serializers.longs(), map.keySerializer());
        assertSame(Serializers.strings(), map.valueSerializer());
    }

    /** A mutable long, for a serializer that reads into a caller's object. */
    static final class MutableLong
    {
        long value;
    }

    @Test
    void getUsingFillsTheCallersObjectWhenTheSerializerSupportsReuse()
    {
        final org.lockmap.serialization.Serializer<MutableLong> reusing = new org.lockmap.serialization.Serializer<>()
        {
            public org.lockmap.serialization.SerializerFingerprint fingerprint()
            {
                return new org.lockmap.serialization.SerializerFingerprint("test.mutable-long", 1, 8);
            }

            public int fixedSize()
            {
                return 8;
            }

            public int sizeOf(final MutableLong value)
            {
                return 8;
            }

            public void write(final MutableLong value, final org.agrona.MutableDirectBuffer buffer, final int offset)
            {
                buffer.putLong(offset, value.value);
            }

            public MutableLong read(final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                final MutableLong m = new MutableLong();
                m.value = buffer.getLong(offset);
                return m;
            }

            public MutableLong read(final org.agrona.DirectBuffer buffer, final int offset, final int length, final MutableLong reuse)
            {
                final MutableLong m = reuse == null ? new MutableLong() : reuse;
                m.value = buffer.getLong(offset);
                return m;
            }

            public boolean supportsReuse()
            {
                return true;
            }
        };
        try (LockMap<Long, MutableLong> m = LockMap.builder(Serializers.longs(), reusing).build())
        {
            final MutableLong stored = new MutableLong();
            stored.value = 42;
            m.put(1L, stored);
            final MutableLong reuse = new MutableLong();
            assertSame(reuse, m.getUsing(1L, reuse), "getUsing returns the caller's object");
            assertEquals(42L, reuse.value);
            assertNull(m.getUsing(2L, reuse), "absent key");
            assertEquals(42L, m.get(1L).value);
        }
    }

    @Test
    void keysAreEqualByTheirBytesAndReadsReturnCopies()
    {
        try (LockMap<byte[], byte[]> bytes = LockMap.builder(Serializers.byteArrays(), Serializers.byteArrays()).build())
        {
            bytes.put(new byte[] {1, 2, 3}, new byte[] {9});
            assertArrayEquals(new byte[] {9}, bytes.get(new byte[] {1, 2, 3}), "an equal array is the same key");
            assertNull(bytes.put(new byte[] {1, 2}, new byte[0]));
            assertArrayEquals(new byte[0], bytes.get(new byte[] {1, 2}), "an empty value is a value");
            assertTrue(bytes.containsKey(new byte[] {1, 2}));
            assertEquals(2, bytes.size());

            final byte[] read = bytes.get(new byte[] {1, 2, 3});
            read[0] = 42;
            assertArrayEquals(new byte[] {9}, bytes.get(new byte[] {1, 2, 3}), "mutating a read does not change the map");
            final byte[] written = {5};
            bytes.put(new byte[] {7}, written);
            written[0] = 6;
            assertArrayEquals(new byte[] {5}, bytes.get(new byte[] {7}), "mutating a written array does not change the map");
        }
    }

    @Test
    void stringKeysIncludingEmptyAndNonAsciiRoundTrip()
    {
        try (LockMap<String, String> strings = Maps.strings())
        {
            final List<String> keys = List.of("", "a", "é", "日本語", "😀", "x".repeat(10_000));
            for (final String k : keys)
            {
                assertNull(strings.put(k, k + k));
            }
            for (final String k : keys)
            {
                assertEquals(k + k, strings.get(k), "value of key of length " + k.length());
            }
            assertEquals(Set.copyOf(keys), strings.keySet());
        }
    }

    @Test
    void manyKeysRoundTripThroughEveryShard()
    {
        for (long i = 0; i < 20_000; i++)
        {
            map.put(i * 0x9E3779B97F4A7C15L, Long.toHexString(i));
        }
        for (long i = 0; i < 20_000; i++)
        {
            assertEquals(Long.toHexString(i), map.get(i * 0x9E3779B97F4A7C15L));
        }
        assertEquals(20_000, map.size());
        for (long i = 0; i < 20_000; i += 2)
        {
            assertEquals(Long.toHexString(i), map.remove(i * 0x9E3779B97F4A7C15L));
        }
        assertEquals(10_000, map.size());
        int count = 0;
        for (final Map.Entry<Long, String> e : map.entrySet())
        {
            count++;
            assertNotEquals(0, Long.parseUnsignedLong(e.getValue(), 16) % 2, "only odd entries remain");
        }
        assertEquals(10_000, count);
    }
}
