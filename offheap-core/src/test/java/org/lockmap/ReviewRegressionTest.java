package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Regressions found by review: each of these crashed the JVM or misbehaved before its fix.
 */
@Timeout(60)
class ReviewRegressionTest
{
    @Test
    void aBlockLargerThanTheNextChunkWhenTheTopSitsOnAChunkBoundaryDoesNotTouchUnreservedMemory()
    {
        // One shard, 64 KiB first chunk: header 704 + table 128 + six 32-byte entries + 64,512 bytes of
        // power-of-two value blocks end exactly at 65,536, the start of the (unreserved) chunk 1.
        try (LockMap<Long, byte[]> map = LockMap.builder(Serializers.longs(), Serializers.byteArrays())
            .expectedEntries(1).shards(1).build())
        {
            final int[] sizes = {32768, 16384, 8192, 4096, 2048, 1024};
            for (int i = 0; i < sizes.length; i++)
            {
                map.put((long)i, new byte[sizes[i]]);
            }
            map.set(0L, new byte[1 << 20]);
            assertEquals(1 << 20, map.get(0L).length);
            for (int i = 1; i < sizes.length; i++)
            {
                assertEquals(sizes[i], map.get((long)i).length);
            }
        }
    }

    @Test
    void valuesOfRandomPowerOfTwoSizesLandOnManyChunkBoundariesAndStayIntact()
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 20; round++)
        {
            try (LockMap<Long, byte[]> map = LockMap.builder(Serializers.longs(), Serializers.byteArrays())
                .expectedEntries(1).shards(1).build())
            {
                for (long key = 0; key < 40; key++)
                {
                    final byte[] value = new byte[1 << random.nextInt(4, 19)];
                    value[0] = (byte)key;
                    value[value.length - 1] = (byte)~key;
                    map.put(key % 12, value);
                    final byte[] read = map.get(key % 12);
                    assertEquals(value.length, read.length);
                    assertEquals((byte)key, read[0]);
                    assertEquals((byte)~key, read[read.length - 1]);
                }
            }
        }
    }

    @Test
    void aPutValueBytesWriterMayReadTheEntryItWrites()
    {
        try (LockMap<Long, Long> fixed = LockMap.builder(Serializers.longs(), Serializers.longs()).build();
            LockMap<Long, byte[]> variable = LockMap.builder(Serializers.longs(), Serializers.byteArrays()).build())
        {
            fixed.put(1L, 41L);
            try (LockedEntry<Long, Long> entry = fixed.lock(1L))
            {
                entry.putValueBytes(8, buffer -> buffer.putLong(0, entry.get() + 1, ByteOrder.LITTLE_ENDIAN));
            }
            assertEquals(42L, fixed.get(1L));

            variable.put(1L, new byte[] {7});
            try (LockedEntry<Long, byte[]> entry = variable.lock(1L))
            {
                entry.putValueBytes(2, buffer ->
                {
                    buffer.putByte(0, entry.get()[0]);
                    buffer.putByte(1, (byte)8);
                });
            }
            assertArrayEquals(new byte[] {7, 8}, variable.get(1L));
        }
    }

    @Test
    void aFailedWriterRestoresTheHoldersLastPutEvenIfItUsedTheMapMeanwhile()
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).build())
        {
            map.put(1L, 10L);
            map.put(2L, 20L);
            try (LockedEntry<Long, Long> entry = map.lock(1L))
            {
                entry.put(11L);
                assertThrows(IllegalStateException.class, () -> entry.putValueBytes(8, buffer ->
                {
                    buffer.putLong(0, 99L, ByteOrder.LITTLE_ENDIAN);
                    assertTrue(map.replace(2L, 20L, 21L));
                    throw new IllegalStateException("writer failed");
                }));
                assertEquals(11L, entry.get());
            }
            assertEquals(11L, map.get(1L));
            assertEquals(21L, map.get(2L));
        }
    }

    @Test
    void closingTheMapFromTwoThreadsAtOnceThrowsInNeither() throws Exception
    {
        for (int round = 0; round < 200; round++)
        {
            final LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(64).build();
            map.put(1L, 1L);
            final CountDownLatch start = new CountDownLatch(1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] closers = new Thread[2];
            for (int t = 0; t < closers.length; t++)
            {
                closers[t] = Thread.ofPlatform().start(() ->
                {
                    try
                    {
                        start.await();
                        map.close();
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
            }
            start.countDown();
            for (final Thread closer : closers)
            {
                closer.join();
            }
            assertNull(failure.get(), () -> "close() threw: " + failure.get());
            assertEquals(0, map.nativeMemoryBytes());
        }
    }

    @Test
    void anEntryClosedFromTwoThreadsAtOnceIsReleasedOnce() throws Exception
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).build())
        {
            for (int round = 0; round < 500; round++)
            {
                final LockedEntry<Long, Long> entry = map.lock(1L);
                entry.put((long)round);
                final CountDownLatch start = new CountDownLatch(1);
                final Thread other = Thread.ofPlatform().start(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                    entry.close();
                });
                start.countDown();
                entry.close();
                other.join();
                assertEquals(round, map.get(1L));
                try (LockedEntry<Long, Long> again = map.tryLock(1L))
                {
                    assertNotNull(again, "the key is free after its entry was closed twice");
                }
            }
        }
        // Pins balanced: close frees every shard at once.
    }
}
