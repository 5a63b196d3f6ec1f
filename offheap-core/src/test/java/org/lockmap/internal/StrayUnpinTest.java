package org.lockmap.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A holder H closes a word-value entry without the shard lock. Right after H's release, L takes the key
 * and the map closes, counting L's hold as a pin on the shard's memory. H must not end that pin as if it
 * were its own: the memory would be unmapped while L still holds the key, and L's close would crash the
 * JVM. Found by a review; the window is nanoseconds wide, so H is stopped in it by a {@link TestHooks} hook.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StrayUnpinTest
{
    @AfterEach
    void clearHook()
    {
        TestHooks.afterWordRelease = null;
    }

    @Test
    void aHoldTakenRightAfterALockFreeReleaseKeepsTheShardMemoryMapped() throws Exception
    {
        assertTrue(TestHooks.ENABLED, "run with -Dlockmap.testHooks=true (the build's surefire sets it)");
        final LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).build();
        map.put(1L, 1L);
        final CountDownLatch released = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        final Thread h = new Thread(() ->
        {
            final LockedEntry<Long, Long> e = map.lock(1L);
            e.put(2L);
            final Thread self = Thread.currentThread();
            TestHooks.afterWordRelease = () ->
            {
                if (Thread.currentThread() == self)
                {
                    released.countDown();
                    try
                    {
                        resume.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            e.close();
        });
        h.start();
        assertTrue(released.await(10, TimeUnit.SECONDS), "H released the key");
        final LockedEntry<Long, Long> l = map.lock(1L);
        assertEquals(2L, l.get(), "L sees H's commit");
        final Thread closer = new Thread(map::close);
        closer.start();
        // Let close() run as far as it can while H is still inside its release.
        closer.join(200);
        resume.countDown();
        h.join();
        closer.join();
        assertTrue(map.nativeMemoryBytes() > 0, "the shard's memory was freed while L still holds key 1");
        l.close();
        assertEquals(0, map.nativeMemoryBytes(), "freed when the last hold ends");
    }
}
