package org.lockmap.internal;

import org.junit.jupiter.api.Test;
import org.lockmap.LockMap;
import org.lockmap.serialization.Serializers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Iteration copies one shard's keys a batch at a time, each batch a range of hash tags
 * ({@link Shard#collectPresent}), so that it holds the shard lock and the heap for one batch only.
 * These tests walk one shard batch by batch, as the views' iterators and {@code clear()} do.
 */
class IterationBatchTest
{
    @Test
    void batchesAreSmallAndTogetherHoldEveryKeyOnce()
    {
        final int keys = 100_000;
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .shards(1).expectedEntries(16).build())
        {
            for (long k = 0; k < keys; k++)
            {
                map.put(k, k);
            }
            final OffHeapLockMap<Long, Long> offHeap = (OffHeapLockMap<Long, Long>)map;
            final Shard shard = offHeap.shards()[0];
            final Set<Long> seen = new HashSet<>();
            final EntryBatch batch = new EntryBatch(false);
            int batches = 0;
            int largest = 0;
            for (long tag = 0; tag != Shard.TAG_END; batch.clear())
            {
                final long next = offHeap.presentEntries(shard, tag, batch);
                assertTrue(next > tag && next <= Shard.TAG_END, "the next batch starts after this one");
                tag = next;
                batches++;
                largest = Math.max(largest, batch.size());
                for (int i = 0; i < batch.size(); i++)
                {
                    final Long key = offHeap.decodeKey(batch, i);
                    assertTrue(seen.add(key), "key " + key + " in two batches");
                }
            }
            assertEquals(keys, seen.size(), "every key in some batch");
            // The average is ITERATION_BATCH times the load (3/8 to 3/4); four times it is far in the tail.
            assertTrue(largest <= 4 * OffHeapLockMap.ITERATION_BATCH, "largest batch " + largest);
            assertTrue(batches >= keys / (4 * OffHeapLockMap.ITERATION_BATCH), batches + " batches");
        }
    }

    /**
     * A batch is read without the shard lock, as {@code get} reads: a read that overlaps a writer (here:
     * the lock held) is discarded and tried again, and the map falls back to the lock.
     */
    @Test
    void aBatchReadWithoutTheLockIsRetriedWhenAWriterHoldsTheShard()
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .shards(1).expectedEntries(16).build())
        {
            for (long k = 0; k < 10; k++)
            {
                map.put(k, k);
            }
            final Shard shard = ((OffHeapLockMap<Long, Long>)map).shards()[0];
            final EntryBatch keys = new EntryBatch(true);
            final long before = shard.version();
            shard.lockOpen();
            try
            {
                assertEquals(Shard.TAG_RETRY, shard.collectPresentOptimistic(0, 64, 8, keys, before),
                    "a writer took the lock since the walk began");
            }
            finally
            {
                shard.unlock();
            }
            assertEquals(0, keys.size(), "a torn walk stops before it copies a key");
            assertEquals(Shard.TAG_END, shard.collectPresentOptimistic(0, 1 << 20, 8, keys, shard.version()),
                "one batch for all");
            assertEquals(10, keys.size());
            final OffHeapLockMap<Long, Long> offHeap = (OffHeapLockMap<Long, Long>)map;
            for (int i = 0; i < keys.size(); i++)
            {
                final Long key = offHeap.decodeKey(keys, i);
                assertEquals(key, offHeap.decodeValue(keys, i, key), "the value copied with key " + key);
            }
        }
    }

    /**
     * Between two batches the table doubles several times and deletions shift runs back: no key is seen
     * twice, and every key present throughout is seen once. A walk by slot ranges fails this.
     */
    @Test
    void growthAndShiftsBetweenBatchesNeitherRepeatNorSkipAKey()
    {
        final int stable = 5_000;
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .shards(1).expectedEntries(16).build())
        {
            for (long k = 0; k < stable; k++)
            {
                map.put(k, k);
            }
            final OffHeapLockMap<Long, Long> offHeap = (OffHeapLockMap<Long, Long>)map;
            final Shard shard = offHeap.shards()[0];
            final SplittableRandom random = new SplittableRandom(42);
            final Map<Long, Integer> seen = new HashMap<>();
            final EntryBatch batch = new EntryBatch(false);
            long churnKey = stable;
            for (long tag = 0; tag != Shard.TAG_END; batch.clear())
            {
                tag = offHeap.presentEntries(shard, tag, batch);
                for (int i = 0; i < batch.size(); i++)
                {
                    seen.merge(offHeap.decodeKey(batch, i), 1, Integer::sum);
                }
                // Churn keys above the stable ones: insert a burst (the table grows), remove some (runs shift).
                for (int i = 0; i < 200; i++)
                {
                    map.put(churnKey, churnKey);
                    churnKey++;
                }
                for (int i = 0; i < 100; i++)
                {
                    map.remove(stable + (long)random.nextInt((int)(churnKey - stable)));
                }
            }
            for (final Map.Entry<Long, Integer> entry : seen.entrySet())
            {
                if (entry.getValue() != 1)
                {
                    fail("key " + entry.getKey() + " seen " + entry.getValue() + " times");
                }
                assertTrue(entry.getKey() < churnKey, "a key that was never put: " + entry.getKey());
            }
            for (long k = 0; k < stable; k++)
            {
                assertTrue(seen.containsKey(k), "stable key " + k + " skipped");
            }
        }
    }
}
