package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reads without the shard lock (a sequence-lock read of the table and the entry) while writers grow the
 * table, remove keys (backward-shift deletion moves slots) and replace variable-size values (freed blocks
 * are reused at once): a reader must never see a key that is there as absent, nor bytes that are not one
 * whole value of its key.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockFreeReadTest
{
    private static final int STABLE = 2_000;

    /** Every value of key k: {@code 1 + (k + generation) % 97} bytes, each {@code (byte)k}. */
    private static byte[] value(final long key, final int generation)
    {
        final byte[] bytes = new byte[1 + (int)((key + generation) % 97)];
        Arrays.fill(bytes, (byte)key);
        return bytes;
    }

    @Test
    void readersNeverMissAStableKeyNorSeeAMixedValueWhileWritersResizeRemoveAndReplace() throws Exception
    {
        try (LockMap<Long, byte[]> map = LockMap.builder(Serializers.longs(), Serializers.byteArrays())
            .shards(1).expectedEntries(16).build())
        {
            for (long k = 0; k < STABLE; k++)
            {
                map.put(k, value(k, 0));
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<String> failure = new AtomicReference<>();
            final AtomicLong reads = new AtomicLong();
            final Thread writer = new Thread(() ->
            {
                final SplittableRandom random = new SplittableRandom(1);
                long next = STABLE;
                int generation = 1;
                while (!stop.get())
                {
                    // Grow (resizes), replace stable values (frees and reuses blocks), remove the churn keys
                    // (backward shifts move stable keys' slots).
                    for (int i = 0; i < 3_000; i++)
                    {
                        map.put(next + i, value(next + i, generation));
                    }
                    for (int i = 0; i < 500; i++)
                    {
                        final long k = random.nextLong(STABLE);
                        map.put(k, value(k, generation));
                    }
                    for (int i = 0; i < 3_000; i++)
                    {
                        map.remove(next + i);
                    }
                    next += 3_000;
                    generation++;
                }
            });
            final Thread[] readers = new Thread[2];
            for (int r = 0; r < readers.length; r++)
            {
                final int seed = r;
                readers[r] = new Thread(() ->
                {
                    final SplittableRandom random = new SplittableRandom(100 + seed);
                    while (!stop.get() && failure.get() == null)
                    {
                        final long k = random.nextLong(STABLE);
                        final byte[] got = map.get(k);
                        if (got == null || !map.containsKey(k))
                        {
                            failure.compareAndSet(null, "stable key " + k + " read as absent");
                            return;
                        }
                        for (final byte b : got)
                        {
                            if (b != (byte)k)
                            {
                                failure.compareAndSet(null, "key " + k + " read bytes of another value: " + Arrays.toString(got));
                                return;
                            }
                        }
                        if (got.length < 1 || got.length > 97)
                        {
                            failure.compareAndSet(null, "key " + k + " read a value of " + got.length + " bytes");
                            return;
                        }
                        reads.incrementAndGet();
                    }
                });
            }
            writer.start();
            for (final Thread reader : readers)
            {
                reader.start();
            }
            Thread.sleep(3_000);
            stop.set(true);
            writer.join();
            for (final Thread reader : readers)
            {
                reader.join();
            }
            assertNull(failure.get());
            assertTrue(reads.get() > 10_000, "only " + reads.get() + " reads");
            assertEquals(STABLE, map.size());
        }
    }
}
