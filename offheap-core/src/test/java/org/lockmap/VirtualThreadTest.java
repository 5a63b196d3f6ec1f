package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.support.Maps;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Waiting for a key unmounts a virtual thread: ten thousand virtual threads contending on 16 keys finish
 * on two cores (a waiter that spins forever or pins its carrier starves the holder), and their
 * increments sum exactly.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualThreadTest
{
    private static final int THREADS = 10_000;
    private static final int KEYS = 16;
    private static final int INCREMENTS = 10;

    @Test
    void tenThousandVirtualThreadsOnSixteenKeysFinishWithExactSums()
    {
        final AtomicLongArray expected = new AtomicLongArray(KEYS);
        final AtomicIntegerArray inside = new AtomicIntegerArray(KEYS);
        final AtomicIntegerArray maxInside = new AtomicIntegerArray(KEYS);
        try (LockMap<Long, Long> map = Maps.longs())
        {
            Workers.run(THREADS, Duration.ofSeconds(60), true, t ->
            {
                for (int i = 0; i < INCREMENTS; i++)
                {
                    final int key = (t * 7 + i) % KEYS;
                    switch ((t + i) % 4)
                    {
                        case 0, 1 ->
                        {
                            try (LockedEntry<Long, Long> e = map.lock((long)key))
                            {
                                maxInside.accumulateAndGet(key, inside.incrementAndGet(key), Math::max);
                                final Long v = e.get();
                                if ((t & 255) == 0 && i == 0)
                                {
                                    Thread.sleep(1); // a holder that parks: its waiters must not starve it
                                }
                                e.put(v == null ? 1L : v + 1);
                                inside.decrementAndGet(key);
                            }
                        }
                        case 2 -> map.merge((long)key, 1L, Long::sum);
                        default ->
                        {
                            final int other = (key + 1) % KEYS;
                            try (BatchLock<Long, Long> b = map.lockAll(List.of((long)other, (long)key)))
                            {
                                final LockedEntry<Long, Long> e = b.get((long)key);
                                maxInside.accumulateAndGet(key, inside.incrementAndGet(key), Math::max);
                                e.put(e.get() == null ? 1L : e.get() + 1);
                                inside.decrementAndGet(key);
                            }
                        }
                    }
                    expected.incrementAndGet(key);
                }
            });
            long sum = 0;
            for (int k = 0; k < KEYS; k++)
            {
                assertEquals(expected.get(k), map.get((long)k), "counter of key " + k);
                sum += map.get((long)k);
                assertEquals(1, maxInside.get(k), "max holders of key " + k);
            }
            assertEquals((long)THREADS * INCREMENTS, sum);
        }
    }

    @Test
    void oneHotKeyHeldAcrossSleepsByVirtualThreadsMakesProgress()
    {
        try (LockMap<Long, Long> map = Maps.longs())
        {
            Workers.run(300, Duration.ofSeconds(60), true, t ->
            {
                try (LockedEntry<Long, Long> e = map.lock(0L))
                {
                    Thread.sleep(1);
                    e.put(e.get() == null ? 1L : e.get() + 1);
                }
            });
            assertEquals(300L, map.get(0L));
        }
    }
}
