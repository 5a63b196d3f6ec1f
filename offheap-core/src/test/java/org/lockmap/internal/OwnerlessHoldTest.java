package org.lockmap.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tryLock must not report a free key as held. A key's word can be held for an instant by a thread that
 * has not recorded itself as the owner: one that took it by mistake from a stale lookup and gives it back
 * ({@link Shard#lockFound}), or one that has just taken it. The try waits for such a word (bounded); a
 * word with a recorded owner is held, and the try fails at once.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OwnerlessHoldTest
{
    private Shard shard;
    private long entry;

    @BeforeEach
    void setUp()
    {
        TestHooks.ownerlessSpins = 2_000_000_000; // in this test, as long as it takes the other thread to run
        shard = new Shard(0, new EntryLayout(Serializers.longs(), Serializers.longs(), 0), new ParkingLot(), 64 * 1024, 16, -1);
        final Scratch scratch = Scratch.get();
        scratch.setKey(Serializers.longs(), 2L, 8);
        shard.lockOpen();
        try
        {
            entry = shard.address(shard.insert(scratch.key, scratch.keyLength, scratch.keyHash));
            shard.values().commit(entry, new UnsafeBuffer(new byte[8]), 8);
            assertFalse(shard.releaseKey(entry));
        }
        finally
        {
            shard.unlock();
        }
    }

    @AfterEach
    void tearDown()
    {
        TestHooks.ownerlessSpins = 0;
        shard.lockAny();
        final boolean release = shard.close();
        shard.unlock();
        if (release)
        {
            shard.releaseMemory();
        }
    }

    private boolean tryUnderLock()
    {
        shard.lockOpen();
        try
        {
            return shard.tryAcquireKeyUnlessOwned(entry);
        }
        finally
        {
            shard.unlock();
        }
    }

    @Test
    void aWordHeldWithoutAnOwnerIsWaitedForAndTaken() throws Exception
    {
        assertTrue(KeyLockWord.tryAcquire(entry + EntryLayout.LOCK_WORD), "the stale taker's CAS");
        final Thread staleTaker = Thread.ofPlatform().start(() ->
        {
            // Until the try runs (under the shard lock, whose version is then odd), and a while longer, so
            // that it meets the word held: a try that gave up at once would fail.
            while ((shard.version() & 1) == 0)
            {
                Thread.onSpinWait();
            }
            for (int i = 0; i < 20_000; i++)
            {
                Thread.onSpinWait();
            }
            KeyLockWord.release(entry + EntryLayout.LOCK_WORD); // gives it back, as lockFound does
        });
        assertTrue(tryUnderLock(), "a key whose word was only held by mistake is free: the try takes it");
        staleTaker.join();
        assertTrue(shard.isHeldByCurrentThread(entry));
    }

    @Test
    void aWordWithARecordedOwnerFailsAtOnce()
    {
        final Thread holder = Thread.ofPlatform().unstarted(() -> { });
        assertTrue(KeyLockWord.tryAcquire(entry + EntryLayout.LOCK_WORD));
        org.agrona.UnsafeApi.putLong(entry + EntryLayout.OWNER, EntryLayout.owner(1, holder.threadId()));
        final long start = System.nanoTime();
        assertFalse(tryUnderLock(), "held by a recorded owner");
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "the try waited for a held key");
    }
}
