package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Maps;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Readers never observe a holder's work in progress: they see the value from before the critical section
 * or the one it published at close, never an intermediate one, never a torn one, and they do not wait.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HolderVisibilityTest
{
    /** Values are round * 10 + phase; only phase 3 is ever published. */
    @Test
    void readersSeeOnlyTheValueBeforeOrAfterACriticalSectionNeverOneInBetween()
    {
        final int rounds = 20_000;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong reads = new AtomicLong();
        try (LockMap<Long, Long> map = Maps.longs())
        {
            map.put(1L, 3L);
            Workers.run(3, Duration.ofSeconds(60), t ->
            {
                if (t == 0)
                {
                    try
                    {
                        for (long round = 1; round <= rounds; round++)
                        {
                            try (LockedEntry<Long, Long> e = map.lock(1L))
                            {
                                assertEquals((round - 1) * 10 + 3, e.get());
                                e.put(round * 10 + 1);
                                Thread.onSpinWait();
                                e.remove(); // "phase 2": absent in the middle
                                if ((round & 63) == 0)
                                {
                                    Thread.yield();
                                }
                                e.put(round * 10 + 3);
                            }
                        }
                    }
                    finally
                    {
                        done.set(true);
                    }
                    return;
                }
                long last = 0;
                do
                {
                    final Long v = t == 1 ? map.get(1L) : map.getUsing(1L, 0L);
                    reads.incrementAndGet();
                    if (v == null)
                    {
                        fail("a reader saw the key absent: the holder's intermediate remove leaked");
                    }
                    if (v % 10 != 3)
                    {
                        fail("a reader saw intermediate value " + v + " of round " + v / 10);
                    }
                    assertTrue(v >= last, "values went back in time: " + last + " then " + v);
                    last = v;
                    if (t == 2)
                    {
                        assertTrue(map.containsKey(1L), "containsKey false while the holder had removed, unpublished");
                    }
                }
                while (!done.get());
            });
            assertEquals(rounds * 10L + 3, map.get(1L));
            assertTrue(reads.get() > 0);
        }
    }

    @Test
    void aNewKeyPutByAHolderIsInvisibleUntilClose()
    {
        final int rounds = 5_000;
        final AtomicBoolean done = new AtomicBoolean();
        try (LockMap<Long, Long> map = Maps.longs())
        {
            Workers.run(2, Duration.ofSeconds(60), t ->
            {
                if (t == 0)
                {
                    try
                    {
                        for (long round = 1; round <= rounds; round++)
                        {
                            try (LockedEntry<Long, Long> e = map.lock(round))
                            {
                                e.put(-1L); // never published: replaced before close
                                Thread.onSpinWait();
                                e.put(round);
                            }
                        }
                    }
                    finally
                    {
                        done.set(true);
                    }
                    return;
                }
                while (!done.get())
                {
                    for (long k = 1; k <= 20; k++)
                    {
                        final Long v = map.get(k);
                        if (v != null && v != k)
                        {
                            fail("key " + k + " read as " + v + " before its holder closed");
                        }
                    }
                    final int size = map.size();
                    assertTrue(size >= 0 && size <= rounds, "size " + size);
                }
            });
            assertEquals(rounds, map.size());
        }
    }

    @Test
    void readersDoNotWaitForAHolder()
    {
        try (LockMap<Long, Long> map = Maps.longs())
        {
            map.put(1L, 1L);
            Workers.run(2, Duration.ofSeconds(30), t ->
            {
                if (t == 0)
                {
                    try (LockedEntry<Long, Long> e = map.lock(1L))
                    {
                        e.put(2L);
                        Thread.sleep(600);
                    }
                    return;
                }
                Thread.sleep(100);
                long worst = 0;
                for (int i = 0; i < 200; i++)
                {
                    final long start = System.nanoTime();
                    final Long v = map.get(1L);
                    worst = Math.max(worst, System.nanoTime() - start);
                    assertNotNull(v);
                    assertTrue(v == 1L || v == 2L);
                    Thread.sleep(1);
                }
                assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(200),
                    "a get took " + TimeUnit.NANOSECONDS.toMillis(worst) + " ms while another thread held the key");
            });
        }
    }

    /**
     * Values of varying length, each filled with its length, are replaced concurrently with reads: a read
     * must return a whole value, never bytes of two.
     */
    @Test
    void readersNeverSeeATornVariableSizeValue()
    {
        final AtomicBoolean done = new AtomicBoolean();
        try (LockMap<Long, byte[]> map = LockMap.builder(Serializers.longs(), Serializers.byteArrays()).build())
        {
            for (long k = 0; k < 4; k++)
            {
                map.put(k, filled(1));
            }
            Workers.run(4, Duration.ofSeconds(60), t ->
            {
                if (t < 2)
                {
                    try
                    {
                        for (int i = 0; i < 30_000; i++)
                        {
                            final int length = 1 + (i * 37 + t * 11) % 300;
                            final long key = i % 4;
                            if (t == 0)
                            {
                                map.put(key, filled(length));
                            }
                            else
                            {
                                try (LockedEntry<Long, byte[]> e = map.lock(key))
                                {
                                    e.put(filled(length + 1));
                                    e.put(filled(length));
                                }
                            }
                        }
                    }
                    finally
                    {
                        done.set(true);
                    }
                    return;
                }
                while (!done.get())
                {
                    for (long k = 0; k < 4; k++)
                    {
                        final byte[] v = map.get(k);
                        assertNotNull(v);
                        for (final byte b : v)
                        {
                            if (b != (byte)v.length)
                            {
                                fail("torn value: length " + v.length + " holds byte " + b);
                            }
                        }
                    }
                }
            });
        }
    }

    private static byte[] filled(final int length)
    {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte)length);
        return bytes;
    }
}
