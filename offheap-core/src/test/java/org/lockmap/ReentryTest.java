package org.lockmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread that locks, or reads or writes through the map, a key it already holds gets an
 * {@link IllegalStateException} instead of a deadlock, and the failed call changes nothing. Every test
 * runs on one thread (SEPARATE_THREAD runs the whole method on one thread), and the class timeout turns
 * a self-deadlock into a failure.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReentryTest
{
    private LockMap<Long, Long> map;

    @BeforeEach
    void build()
    {
        map = Maps.longs();
    }

    @AfterEach
    void close()
    {
        map.close();
    }

    private void assertRejected(final String what, final Executable call)
    {
        assertThrows(IllegalStateException.class, call, what + " on a key the thread holds");
    }

    /** Like {@link #assertRejected} but collects every miss, so one report lists all of them. */
    private static void collectRejected(final List<String> misses, final String what, final Executable call)
    {
        try
        {
            call.execute();
            misses.add(what + " returned normally");
        }
        catch (final IllegalStateException expected)
        {
            // rejected as documented
        }
        catch (final Throwable t)
        {
            misses.add(what + " threw " + t);
        }
    }

    @Test
    void relockingAHeldKeyThrowsIllegalStateException()
    {
        map.put(1L, 10L);
        try (LockedEntry<Long, Long> held = map.lock(1L))
        {
            held.put(11L);
            assertRejected("lock", () -> map.lock(1L));
            assertRejected("tryLock", () -> map.tryLock(1L));
            assertRejected("tryLock(timeout)", () -> map.tryLock(1L, 10, TimeUnit.MILLISECONDS));
            assertRejected("lockInterruptibly", () -> map.lockInterruptibly(1L));
            assertEquals(11L, held.get(), "the held entry is intact after the rejected re-locks");
            held.put(12L);
        }
        assertEquals(12L, map.get(1L));
        assertTrue(Probe.isFree(map, 1L));
    }

    @Test
    void relockingAnAbsentHeldKeyThrowsIllegalStateException()
    {
        try (LockedEntry<Long, Long> held = map.lock(2L))
        {
            assertRejected("lock", () -> map.lock(2L));
            assertRejected("tryLock", () -> map.tryLock(2L));
        }
        assertTrue(map.isEmpty());
        assertTrue(Probe.isFree(map, 2L));
    }

    @Test
    void lockAllContainingAHeldKeyThrowsAndTakesNoneOfTheOthers()
    {
        try (LockedEntry<Long, Long> held = map.lock(5L))
        {
            assertRejected("lockAll", () -> map.lockAll(List.of(1L, 5L, 9L)));
            assertRejected("tryLockAll", () -> map.tryLockAll(List.of(9L, 5L), 10, TimeUnit.MILLISECONDS));
            for (final long k : new long[] {1, 9})
            {
                assertTrue(Probe.isFree(map, k), "key " + k + " left held by a rejected lockAll");
            }
            held.put(5L);
        }
        assertEquals(Map.of(5L, 5L), map);
    }

    @Test
    void lockingAKeyHeldInOwnBatchThrows()
    {
        try (BatchLock<Long, Long> batch = map.lockAll(List.of(1L, 2L)))
        {
            assertRejected("lock", () -> map.lock(2L));
            assertRejected("tryLock", () -> map.tryLock(1L));
            assertRejected("lockAll", () -> map.lockAll(List.of(3L, 1L)));
            assertRejected("put", () -> map.put(1L, 1L));
            batch.get(1L).put(100L);
        }
        assertTrue(Probe.isFree(map, 3L));
        assertEquals(Map.of(1L, 100L), map);
    }

    @Test
    void writesThroughTheMapOnAHeldKeyThrowAndChangeNothing()
    {
        map.put(1L, 10L);
        try (LockedEntry<Long, Long> held = map.lock(1L))
        {
            held.put(20L);
            final List<String> misses = new ArrayList<>();
            collectRejected(misses, "put", () -> map.put(1L, 1L));
            collectRejected(misses, "set", () -> map.set(1L, 1L));
            collectRejected(misses, "remove", () -> map.remove(1L));
            collectRejected(misses, "remove(k, v)", () -> map.remove(1L, 10L));
            collectRejected(misses, "delete", () -> map.delete(1L));
            collectRejected(misses, "putIfAbsent", () -> map.putIfAbsent(1L, 1L));
            collectRejected(misses, "replace", () -> map.replace(1L, 1L));
            collectRejected(misses, "replace(k, old, new)", () -> map.replace(1L, 10L, 1L));
            collectRejected(misses, "compute", () -> map.compute(1L, (k, v) -> 1L));
            collectRejected(misses, "computeIfAbsent (key present)", () -> map.computeIfAbsent(1L, k -> 1L));
            collectRejected(misses, "computeIfPresent", () -> map.computeIfPresent(1L, (k, v) -> 1L));
            collectRejected(misses, "merge", () -> map.merge(1L, 1L, Long::sum));
            assertEquals(List.of(), misses, "map operations on a key the calling thread holds must throw IllegalStateException");
            assertEquals(20L, held.get(), "the held entry is unchanged by the rejected writes");
        }
        assertEquals(Map.of(1L, 20L), map);
        assertTrue(Probe.isFree(map, 1L));
    }

    @Test
    void writesThroughTheMapOnAHeldAbsentKeyThrow()
    {
        try (LockedEntry<Long, Long> held = map.lock(3L))
        {
            assertRejected("put", () -> map.put(3L, 1L));
            assertRejected("putIfAbsent", () -> map.putIfAbsent(3L, 1L));
            assertRejected("computeIfAbsent", () -> map.computeIfAbsent(3L, k -> 1L));
            assertRejected("merge", () -> map.merge(3L, 1L, Long::sum));
        }
        assertTrue(map.isEmpty());
    }

    @Test
    void readsThroughTheMapOnAHeldKeyThrowAndChangeNothing()
    {
        map.put(1L, 10L);
        try (LockedEntry<Long, Long> held = map.lock(1L))
        {
            held.put(20L);
            assertRejected("get", () -> map.get(1L));
            assertRejected("containsKey", () -> map.containsKey(1L));
            assertRejected("getOrDefault", () -> map.getOrDefault(1L, 0L));
            assertRejected("getUsing", () -> map.getUsing(1L, 0L));
            assertRejected("keySet().contains", () -> map.keySet().contains(1L));
            assertEquals(20L, held.get(), "the held entry is intact after the rejected reads");
            // Other keys and whole-map reads are not operations on the held key.
            assertEquals(null, map.get(2L));
            assertEquals(1, map.size(), "size() by the holder");
            assertEquals(Map.of(1L, 10L), Map.copyOf(map), "iteration by the holder sees the last released value");
        }
        assertEquals(20L, map.get(1L), "the former holder reads its key again once it is released");
        assertTrue(map.containsKey(1L));
    }

    @Test
    void readsOfAHeldAbsentKeyThrow()
    {
        try (LockedEntry<Long, Long> ignored = map.lock(4L))
        {
            assertRejected("get", () -> map.get(4L));
            assertRejected("containsKey", () -> map.containsKey(4L));
        }
        assertEquals(null, map.get(4L));
        assertTrue(map.isEmpty());
    }

    /**
     * The same for every table layout, since each has its own read without the shard lock: word values in
     * cells ({@link #readsThroughTheMapOnAHeldKeyThrowAndChangeNothing}), values apart from a table of
     * slots (String values; String keys), and for a key held in a batch.
     */
    @Test
    void readsOfAHeldKeyThrowInEveryLayoutAndInBatches()
    {
        final List<String> misses = new ArrayList<>();
        try (LockMap<Long, String> longToString = Maps.longToString(); LockMap<String, String> strings = Maps.strings())
        {
            longToString.put(1L, "a");
            strings.put("k", "a");
            try (LockedEntry<Long, String> a = longToString.lock(1L); LockedEntry<String, String> b = strings.lock("k"))
            {
                a.put("b");
                b.put("b");
                collectRejected(misses, "Long->String get", () -> longToString.get(1L));
                collectRejected(misses, "Long->String containsKey", () -> longToString.containsKey(1L));
                collectRejected(misses, "String->String get", () -> strings.get("k"));
                collectRejected(misses, "String->String containsKey", () -> strings.containsKey("k"));
            }
            assertEquals("b", longToString.get(1L));
            assertEquals("b", strings.get("k"));
        }
        map.put(7L, 70L);
        try (BatchLock<Long, Long> batch = map.lockAll(List.of(7L, 8L)))
        {
            collectRejected(misses, "get of a batch's present key", () -> map.get(7L));
            collectRejected(misses, "get of a batch's absent key", () -> map.get(8L));
            assertEquals(70L, batch.get(7L).get());
        }
        assertEquals(List.of(), misses);
        assertEquals(70L, map.get(7L));
    }

    /**
     * Cells holding fixed values of more than one word (two slots) have a read without the shard lock of
     * their own; the holder's read throws there too, also once its key is forwarded by a growth.
     */
    @Test
    void readsOfAHeldKeyThrowInACellTableOfTwoSlotValuesAlsoWhenForwarded()
    {
        try (LockMap<Long, UUID> uuids = LockMap.builder(Serializers.longs(), Serializers.uuids())
            .shards(1).expectedEntries(16).build())
        {
            uuids.put(1L, new UUID(1, 1));
            try (LockedEntry<Long, UUID> held = uuids.lock(1L))
            {
                held.put(new UUID(2, 2));
                assertRejected("get", () -> uuids.get(1L));
                for (long k = 100; k < 5_100; k++)
                {
                    uuids.put(k, new UUID(k, k)); // grows the table: the held key is forwarded to where it was
                }
                assertRejected("get, forwarded", () -> uuids.get(1L));
                assertRejected("containsKey, forwarded", () -> uuids.containsKey(1L));
                assertEquals(new UUID(1, 1), Probe.getFromAnotherThread(uuids, 1L));
            }
            assertEquals(new UUID(2, 2), uuids.get(1L));
        }
    }

    /**
     * Iteration is an operation on the whole map: the holder's key shows its last released value, also
     * when that value is too large for the iteration's batch and is read by key when it is reached.
     */
    @Test
    void iterationByTheHolderSeesItsKeysLastReleasedValueEvenWhenReadByKey()
    {
        final String large = "x".repeat(2_000);
        try (LockMap<Long, String> strings = LockMap.builder(Serializers.longs(), Serializers.strings())
            .maxValueSize(4096).build())
        {
            strings.put(1L, large);
            strings.put(2L, "small");
            try (LockedEntry<Long, String> held = strings.lock(1L))
            {
                held.put("changed");
                assertEquals(Map.of(1L, large, 2L, "small"), new java.util.HashMap<>(strings));
                assertTrue(strings.containsValue(large));
                assertEquals(2, strings.values().stream().count());
            }
            assertEquals("changed", strings.get(1L));
        }
    }
}
