package org.lockmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User code that runs inside a map operation or a critical section (compute functions, suppliers,
 * forEach consumers) may use the map on other keys, and a holder may use other keys and other maps:
 * only the key it holds is off limits.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UserCodeReentryTest
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

    @Test
    void computeFunctionsMayReadWriteAndLockOtherKeys()
    {
        map.put(2L, 20L);
        assertEquals(21L, map.compute(1L, (k, v) -> map.get(2L) + 1));
        assertEquals(22L, map.merge(1L, 1L, (a, b) ->
        {
            map.put(3L, 30L);
            return a + b;
        }));
        assertEquals(40L, map.computeIfAbsent(4L, k ->
        {
            try (LockedEntry<Long, Long> other = map.lock(5L))
            {
                other.put(50L);
            }
            return 40L;
        }));
        assertEquals(60L, map.computeIfPresent(2L, (k, v) -> map.getOrDefault(3L, 0L) * 2));
        assertEquals(Map.of(1L, 22L, 2L, 60L, 3L, 30L, 4L, 40L, 5L, 50L), map);
    }

    @Test
    void aHolderMayUseOtherKeysThroughTheMapAndItsEntry()
    {
        map.put(2L, 2L);
        try (LockedEntry<Long, Long> e = map.lock(1L))
        {
            e.put(1L);
            assertEquals(2L, map.get(2L));
            map.put(3L, 3L);
            assertEquals(3L, map.merge(3L, 0L, Long::sum));
            try (LockedEntry<Long, Long> other = map.lock(4L))
            {
                other.put(e.get() + 3);
            }
            assertEquals(e.get(), 1L);
            assertEquals(4L, e.getOrPut(() -> map.get(4L)) + 3);
        }
        assertEquals(Map.of(1L, 1L, 2L, 2L, 3L, 3L, 4L, 4L), map);
    }

    @Test
    void holdingAKeyInOneMapDoesNotBlockTheSameKeyInAnother()
    {
        try (LockMap<Long, Long> other = Maps.longs(); LockedEntry<Long, Long> e = map.lock(1L))
        {
            other.put(1L, 1L);
            try (LockedEntry<Long, Long> same = other.tryLock(1L))
            {
                assertNotNull(same, "the same key in another map is a different lock");
            }
            try (BatchLock<Long, Long> b = other.lockAll(List.of(1L, 2L)))
            {
                b.get(2L).put(2L);
            }
            e.put(9L);
            assertEquals(Map.of(1L, 1L, 2L, 2L), other);
        }
        assertEquals(9L, map.get(1L));
    }

    @Test
    void forEachAndReplaceAllMayWriteTheMap()
    {
        for (long k = 0; k < 100; k++)
        {
            map.put(k, k);
        }
        // Weakly consistent: the new keys may or may not be visited, so only copy the originals.
        map.forEach((k, v) ->
        {
            if (k < 1000)
            {
                map.put(k + 1000, v);
            }
        });
        assertEquals(200, map.size());
        map.replaceAll((k, v) -> k >= 1000 ? map.get(k - 1000) * 2 : v);
        for (long k = 0; k < 100; k++)
        {
            assertEquals(k * 2, map.get(k + 1000));
        }
        for (long k = 0; k < 100; k++)
        {
            assertTrue(Probe.isFree(map, k));
        }
    }
}
