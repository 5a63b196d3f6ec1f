package org.lockmap.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Threads;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shard grows on its own, without stopping the other shards: with one shard's growth stopped inside
 * its reservation of new memory (under that shard's lock), another shard takes ten thousand inserts,
 * growing too, and its locks and reads, before the first is let go.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShardGrowthIsolationTest
{
    private static final String GROWER = "shard-0-grower";

    @AfterEach
    void clearHook()
    {
        TestHooks.beforeReserve = null;
    }

    private static int shardOf(final long key)
    {
        final Scratch scratch = Scratch.get();
        scratch.setKey(Serializers.longs(), key, Long.BYTES);
        return (int)(scratch.keyHash >>> 40) & 1;
    }

    @Test
    void anotherShardGrowsAndServesWhileOneIsStoppedInItsGrowth() throws Throwable
    {
        final CountDownLatch stopped = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        TestHooks.beforeReserve = size ->
        {
            if (GROWER.equals(Thread.currentThread().getName()) && stopped.getCount() > 0)
            {
                stopped.countDown();
                try
                {
                    assertTrue(go.await(30, TimeUnit.SECONDS), "never let go");
                }
                catch (final InterruptedException ex)
                {
                    throw new AssertionError(ex);
                }
            }
        };
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .shards(2).expectedEntries(16).build())
        {
            final Threads.Async<Long> grower = Threads.start(GROWER, () ->
            {
                long inserted = 0;
                for (long k = 0; inserted < 20_000; k++)
                {
                    if (shardOf(k) == 0)
                    {
                        map.put(k, k);
                        inserted++;
                    }
                }
                return inserted;
            });
            assertTrue(stopped.await(20, TimeUnit.SECONDS), "shard 0 never reserved memory to grow");
            final long reservedBefore = map.nativeMemoryBytes();

            try
            {
                final Threads.Async<Integer> other = Threads.start("shard-1-writer", () ->
                {
                    int inserted = 0;
                    for (long k = -1; inserted < 10_000; k--)
                    {
                        if (shardOf(k) == 1)
                        {
                            map.put(k, -k);
                            inserted++;
                            try (LockedEntry<Long, Long> e = map.lock(k))
                            {
                                e.put(e.get() + 1);
                            }
                            assertEquals(1 - k, map.get(k));
                        }
                    }
                    return inserted;
                });
                // Fails (times out) if shard 1 waits for shard 0's growth.
                assertEquals(10_000, other.await(Duration.ofSeconds(20)), "shard 1 while shard 0 is stopped in its growth");
                assertFalse(grower.thread().getState() == Thread.State.TERMINATED, "shard 0's growth was still stopped");
                assertTrue(map.nativeMemoryBytes() > reservedBefore, "shard 1 grew meanwhile");
            }
            finally
            {
                go.countDown(); // also on failure, or close() would wait for shard 0 past the test's timeout
            }
            assertEquals(20_000L, grower.await(Duration.ofSeconds(30)));
            assertEquals(30_000, map.size());
            for (long k = 0, seen = 0; seen < 20_000; k++)
            {
                if (shardOf(k) == 0)
                {
                    assertEquals(k, map.get(k));
                    seen++;
                }
            }
        }
    }
}
