package org.lockmap;

import org.junit.jupiter.api.Test;
import org.lockmap.serialization.Serializers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where {@code ConcurrentHashMap}'s views and lookups differ from {@code AbstractMap}'s defaults, LockMap
 * follows {@code ConcurrentHashMap}: streams of a changing map, {@code removeIf} that races a writer,
 * lookups of keys the map cannot hold, and nulls.
 */
class ViewContractTest
{
    private static LockMap<Long, String> filled(final int n)
    {
        final LockMap<Long, String> map = LockMap.builder(Serializers.longs(), Serializers.strings()).build();
        for (long k = 0; k < n; k++)
        {
            map.put(k, "v" + k);
        }
        return map;
    }

    /** A stream whose size changes under it: the map is cleared, or grows, at the first element. */
    private static void streamWhileChanging(final Function<LockMap<Long, String>, Stream<?>> view)
    {
        try (LockMap<Long, String> map = filled(200))
        {
            final AtomicBoolean cleared = new AtomicBoolean();
            final List<?> seen = view.apply(map).peek(e ->
            {
                if (!cleared.getAndSet(true))
                {
                    map.clear();
                }
            }).toList();
            assertTrue(seen.size() < 200, "a cleared map's stream ends early: " + seen.size());
        }
        try (LockMap<Long, String> map = filled(200))
        {
            final AtomicBoolean grown = new AtomicBoolean();
            final List<?> seen = view.apply(map).peek(e ->
            {
                if (!grown.getAndSet(true))
                {
                    for (long k = 1_000; k < 3_000; k++)
                    {
                        map.put(k, "new");
                    }
                }
            }).toList();
            assertTrue(seen.size() >= 200, "every key present throughout is streamed: " + seen.size());
        }
    }

    @Test
    void viewStreamsSurviveAMapThatShrinksOrGrowsUnderThem()
    {
        streamWhileChanging(map -> map.keySet().stream());
        streamWhileChanging(map -> map.values().stream());
        streamWhileChanging(map -> map.entrySet().stream());
        try (LockMap<Long, String> map = filled(3))
        {
            for (final Spliterator<?> spliterator : List.of(
                map.keySet().spliterator(), map.values().spliterator(), map.entrySet().spliterator()))
            {
                assertTrue(spliterator.hasCharacteristics(Spliterator.CONCURRENT));
                assertTrue(spliterator.hasCharacteristics(Spliterator.NONNULL));
                assertFalse(spliterator.hasCharacteristics(Spliterator.SIZED));
            }
            assertTrue(map.keySet().spliterator().hasCharacteristics(Spliterator.DISTINCT));
            assertEquals(3, map.values().stream().count());
        }
    }

    @Test
    void removeIfOnValuesAndEntriesKeepsAValueWrittenAfterTheTest()
    {
        try (LockMap<Long, String> map = filled(0))
        {
            map.put(1L, "old");
            map.put(2L, "old");
            map.put(3L, "keep");
            // The predicate sees "old" for key 1, then key 1 is overwritten before the removal.
            assertTrue(map.values().removeIf(v ->
            {
                if ("old".equals(v))
                {
                    map.put(1L, "new");
                    return true;
                }
                return false;
            }));
            assertEquals("new", map.get(1L), "written after the test, so not removed");
            assertNull(map.get(2L), "matched and unchanged, so removed");
            assertEquals("keep", map.get(3L));

            map.put(2L, "old");
            assertTrue(map.entrySet().removeIf(e ->
            {
                if ("new".equals(e.getValue()))
                {
                    map.put(e.getKey(), "newer");
                    return true;
                }
                return "old".equals(e.getValue());
            }));
            assertEquals("newer", map.get(1L));
            assertNull(map.get(2L));
            assertEquals(Map.of(1L, "newer", 3L, "keep"), new HashMap<>(map));
            assertFalse(map.values().removeIf("absent"::equals));
            assertTrue(map.values().remove("keep"));
            assertFalse(map.values().remove("keep"));
            assertFalse(map.values().remove(null));
            assertEquals(Map.of(1L, "newer"), new HashMap<>(map));
        }
    }

    @Test
    void keysAndExpectedValuesOverTheLimitsAreAbsentForLookupsAndRemovals()
    {
        try (LockMap<String, String> map = LockMap.builder(Serializers.strings(), Serializers.strings())
            .maxKeySize(16).maxValueSize(16).build())
        {
            final String longKey = "k".repeat(17);
            final String longValue = "v".repeat(17);
            map.put("a", "1");
            assertNull(map.get(longKey));
            assertFalse(map.containsKey(longKey));
            assertNull(map.remove(longKey));
            assertFalse(map.remove(longKey, "1"));
            assertFalse(map.delete(longKey));
            assertEquals("d", map.getOrDefault(longKey, "d"));
            assertNull(map.computeIfPresent(longKey, (k, v) -> "x"));
            assertFalse(map.replace(longKey, "1", "2"));
            assertFalse(map.keySet().contains(longKey));
            assertFalse(map.keySet().remove(longKey));
            assertFalse(map.entrySet().contains(Map.entry(longKey, "1")));
            assertFalse(map.remove("a", longValue));
            assertFalse(map.replace("a", longValue, "2"));
            assertEquals("1", map.get("a"));

            final Map<String, String> other = new HashMap<>(Map.of(longKey, "1"));
            assertFalse(other.equals(map));
            assertFalse(map.equals(other));
            assertFalse(map.keySet().equals(other.keySet()));

            // Writes still reject them, with a message naming the limit.
            final IllegalArgumentException put = assertThrows(IllegalArgumentException.class, () -> map.put(longKey, "1"));
            assertTrue(put.getMessage().contains("maxKeySize"), put.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.lock(longKey));
            assertThrows(IllegalArgumentException.class, () -> map.replace("a", "1", longValue));
            assertEquals(Map.of("a", "1"), new HashMap<>(map));
        }
    }

    @Test
    void aFixedSizeOverItsLimitIsRejectedWhenTheMapIsBuilt()
    {
        final IllegalArgumentException keys = assertThrows(IllegalArgumentException.class,
            () -> LockMap.builder(Serializers.uuids(), Serializers.longs()).maxKeySize(8).build());
        assertTrue(keys.getMessage().contains("maxKeySize"), keys.getMessage());
        final IllegalArgumentException values = assertThrows(IllegalArgumentException.class,
            () -> LockMap.builder(Serializers.longs(), Serializers.longs()).maxValueSize(4).build());
        assertTrue(values.getMessage().contains("maxValueSize"), values.getMessage());
    }

    @Test
    void nullsAreRejectedAsByConcurrentHashMap()
    {
        final LockMap<Long, String> map = filled(2);
        try (map)
        {
            assertThrows(NullPointerException.class, () -> map.containsValue(null));
            assertThrows(NullPointerException.class, () -> map.values().contains(null));
            assertThrows(NullPointerException.class, () -> map.remove(null, null));
            assertThrows(NullPointerException.class, () -> map.remove(null, "v0"));
            assertFalse(map.remove(0L, null));
            assertTrue(map.containsValue("v1"));
            assertTrue(map.values().contains("v0"));
        }
        assertThrows(IllegalStateException.class, () -> map.remove(0L, null), "a closed map says so");
    }
}
