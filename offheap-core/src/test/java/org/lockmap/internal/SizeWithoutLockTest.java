package org.lockmap.internal;

import org.junit.jupiter.api.Test;
import org.lockmap.LockMap;
import org.lockmap.serialization.Serializers;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code size()} reads each shard's count as {@code get} reads a value, without taking the shard lock, so
 * a thread that polls it neither makes writers wait nor turns concurrent lock-free reads into retries
 * (taking the lock moves the shard's version).
 */
class SizeWithoutLockTest
{
    @Test
    void sizeTakesNoShardLock()
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(2).build())
        {
            for (long k = 0; k < 100; k++)
            {
                map.put(k, k);
            }
            final Shard[] shards = ((OffHeapLockMap<Long, Long>)map).shards();
            final long first = shards[0].version();
            final long second = shards[1].version();
            assertEquals(100, map.size());
            assertEquals(100L, map.sizeLong());
            assertEquals(false, map.isEmpty());
            assertEquals(first, shards[0].version(), "size() took shard 0's lock");
            assertEquals(second, shards[1].version(), "size() took shard 1's lock");
        }
    }

    @Test
    void aShardHeldByAWriterIsCountedUnderItsLock() throws Exception
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).build())
        {
            map.put(1L, 1L);
            final Shard shard = ((OffHeapLockMap<Long, Long>)map).shards()[0];
            assertEquals(-1, shardSizeWhileLocked(shard), "a writer holds it");
            assertEquals(1, shard.sizeOptimistic());
            final long[] seen = new long[1];
            shard.lockOpen();
            final Thread counter = new Thread(() -> seen[0] = map.sizeLong());
            try
            {
                counter.start();
                counter.join(100);
            }
            finally
            {
                shard.unlock();
            }
            counter.join();
            assertEquals(1, seen[0], "counted under the lock once the writer left");
        }
    }

    private static long shardSizeWhileLocked(final Shard shard)
    {
        shard.lockOpen();
        try
        {
            return shard.sizeOptimistic();
        }
        finally
        {
            shard.unlock();
        }
    }
}
