package org.lockmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread that locks, or writes through the map, a key it already holds gets an
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
    void readsByTheHolderDoNotDeadlock()
    {
        map.put(1L, 10L);
        try (LockedEntry<Long, Long> held = map.lock(1L))
        {
            held.put(20L);
            // The Javadoc allows either outcome for reads; what it forbids is a hang (the class timeout).
            for (final Executable read : List.<Executable>of(
                () -> map.get(1L), () -> map.containsKey(1L), () -> map.getOrDefault(1L, 0L), () -> map.getUsing(1L, 0L)))
            {
                try
                {
                    read.execute();
                }
                catch (final IllegalStateException allowed)
                {
                    // the read was treated as a map operation on a held key
                }
                catch (final Throwable t)
                {
                    throw new AssertionError("a read by the holder threw " + t, t);
                }
            }
            final Long seen;
            try
            {
                seen = map.get(1L);
                assertTrue(seen == null || seen == 10L || seen == 20L, "holder's map.get returned " + seen);
            }
            catch (final IllegalStateException allowed)
            {
                // fine
            }
            assertEquals(1, map.size(), "size() by the holder");
        }
    }
}
