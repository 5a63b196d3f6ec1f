package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.support.Maps;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every read-modify-write is atomic per key: concurrent increments through locks, compute, merge,
 * replace loops and any mix of them sum exactly.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LostUpdateTest
{
    private static final int THREADS = 4;
    private static final int INCREMENTS = 5_000;
    private static final int KEYS = 3;

    /** One way to add one to a key's counter. */
    @FunctionalInterface
    interface Increment
    {
        void apply(LockMap<Long, Long> map, long key) throws Exception;
    }

    private static void lockedIncrement(final LockMap<Long, Long> map, final long key)
    {
        try (LockedEntry<Long, Long> e = map.lock(key))
        {
            final Long v = e.get();
            e.put(v == null ? 1L : v + 1);
        }
    }

    private static void replaceLoopIncrement(final LockMap<Long, Long> map, final long key)
    {
        while (true)
        {
            final Long v = map.get(key);
            if (v == null ? map.putIfAbsent(key, 1L) == null : map.replace(key, v, v + 1))
            {
                return;
            }
        }
    }

    private static void runAndCheck(final Increment... ways)
    {
        final AtomicLongArray expected = new AtomicLongArray(KEYS);
        try (LockMap<Long, Long> map = Maps.longs())
        {
            Workers.run(THREADS, Duration.ofSeconds(90), t ->
            {
                for (int i = 0; i < INCREMENTS; i++)
                {
                    final int key = (i + t) % KEYS;
                    ways[(i * 7 + t) % ways.length].apply(map, key);
                    expected.incrementAndGet(key);
                }
            });
            long sum = 0;
            for (int k = 0; k < KEYS; k++)
            {
                assertEquals(expected.get(k), map.get((long)k), "counter of key " + k);
                sum += map.get((long)k);
            }
            assertEquals((long)THREADS * INCREMENTS, sum);
            assertEquals(KEYS, map.size());
        }
    }

    @Test
    void lockedIncrementsSumExactly()
    {
        runAndCheck(LostUpdateTest::lockedIncrement);
    }

    @Test
    void computeIncrementsSumExactly()
    {
        runAndCheck((m, k) -> m.compute(k, (kk, v) -> v == null ? 1L : v + 1));
    }

    @Test
    void mergeIncrementsSumExactly()
    {
        runAndCheck((m, k) -> m.merge(k, 1L, Long::sum));
    }

    @Test
    void computeIfPresentAndAbsentIncrementsSumExactly()
    {
        runAndCheck((m, k) ->
        {
            while (true)
            {
                if (m.computeIfPresent(k, (kk, v) -> v + 1) != null)
                {
                    return;
                }
                final boolean[] inserted = {false};
                m.computeIfAbsent(k, kk ->
                {
                    inserted[0] = true;
                    return 1L;
                });
                if (inserted[0])
                {
                    return;
                }
            }
        });
    }

    @Test
    void replaceLoopIncrementsSumExactly()
    {
        runAndCheck(LostUpdateTest::replaceLoopIncrement);
    }

    @Test
    void locksAndMapOperationsMixedOnTheSameKeysSumExactly()
    {
        runAndCheck(
            LostUpdateTest::lockedIncrement,
            (m, k) -> m.compute(k, (kk, v) -> v == null ? 1L : v + 1),
            (m, k) -> m.merge(k, 1L, Long::sum),
            LostUpdateTest::replaceLoopIncrement,
            (m, k) ->
            {
                LockedEntry<Long, Long> e;
                while ((e = m.tryLock(k, 5, TimeUnit.MILLISECONDS)) == null)
                {
                    Thread.onSpinWait();
                }
                try (LockedEntry<Long, Long> held = e)
                {
                    final Long v = held.get();
                    held.put(v == null ? 1L : v + 1);
                }
            },
            (m, k) ->
            {
                try (BatchLock<Long, Long> b = m.lockAll(java.util.List.of(k, (k + 1) % KEYS)))
                {
                    final LockedEntry<Long, Long> e = b.get(k);
                    final Long v = e.get();
                    e.put(v == null ? 1L : v + 1);
                }
            });
    }

    @Test
    void getOrPutLoadsAKeyExactlyOnceUnderFiftyConcurrentAskers()
    {
        try (LockMap<Long, Long> map = Maps.longs())
        {
            for (int round = 0; round < 20; round++)
            {
                final long key = round;
                final AtomicInteger loads = new AtomicInteger();
                final CountDownLatch loading = new CountDownLatch(1);
                final AtomicLongArray seen = new AtomicLongArray(50);
                Workers.run(50, Duration.ofSeconds(30), t ->
                {
                    try (LockedEntry<Long, Long> e = map.lock(key))
                    {
                        seen.set(t, e.getOrPut(() ->
                        {
                            loads.incrementAndGet();
                            loading.countDown();
                            return 1000 + key;
                        }));
                    }
                });
                assertEquals(1, loads.get(), "loads of key " + key);
                for (int t = 0; t < 50; t++)
                {
                    assertEquals(1000 + key, seen.get(t), "value seen by asker " + t);
                }
                assertEquals(0, loading.getCount());
            }
        }
    }
}
