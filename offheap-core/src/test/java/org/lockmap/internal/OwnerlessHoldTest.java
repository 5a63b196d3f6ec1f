package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tryLock must not report a free key as held. A key's word can be held for an instant by a thread that
 * has not recorded itself as the owner: one that took it by mistake from a stale lookup and gives it back
 * ({@link Shard#lockFound}), or one that has just taken it. The try waits for such a word (bounded); a
 * word with a recorded owner, or a key with waiters, fails at once.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OwnerlessHoldTest
{
    private static final long TEN_SECONDS_NANOS = 10_000_000_000L;

    @AfterEach
    void clearHook()
    {
        TestHooks.ownerlessSpins = 0;
    }

    private static Shard newShard()
    {
        return new Shard(0, new EntryLayout(Serializers.longs(), Serializers.longs(), 0), new ParkingLot(), 64 * 1024, 16, -1);
    }

    /** Inserts key 2 with a value, free. */
    private static long insertFree(final Shard shard)
    {
        final Scratch scratch = Scratch.get();
        scratch.setKey(Serializers.longs(), 2L, 8);
        shard.lockOpen();
        try
        {
            final long entry = shard.address(shard.insert(scratch.key, scratch.keyLength, scratch.keyHash));
            shard.values().commit(entry, new UnsafeBuffer(new byte[8]), 8);
            assertFalse(shard.releaseKey(entry));
            return entry;
        }
        finally
        {
            shard.unlock();
        }
    }

    private static void closeAndFree(final Shard shard, final long entry)
    {
        shard.lockAny();
        shard.releaseKey(entry); // whoever held it in the test: a held key would pin the memory
        final boolean release = shard.close();
        shard.unlock();
        if (release)
        {
            shard.releaseMemory();
        }
    }

    /**
     * Takes the word without recording an owner, as a stale lookup does by mistake, and starts a thread
     * that gives it back once the shard lock is held (its version odd, so a try is running) and a while
     * after, so that the try meets the word held: a try that gave up at once would fail.
     */
    private static Thread holdByMistakeUntilTried(final Shard shard, final long entry)
    {
        assertTrue(KeyLockWord.tryAcquire(entry + EntryLayout.LOCK_WORD), "the stale taker's CAS");
        return Thread.ofPlatform().daemon().start(() ->
        {
            final long deadline = System.nanoTime() + TEN_SECONDS_NANOS;
            while ((shard.version() & 1) == 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            for (int i = 0; i < 20_000; i++)
            {
                Thread.onSpinWait();
            }
            KeyLockWord.release(entry + EntryLayout.LOCK_WORD); // gives it back, as lockFound does
        });
    }

    @Test
    void aWordHeldWithoutAnOwnerIsWaitedForAndTaken() throws Exception
    {
        TestHooks.ownerlessSpins = 2_000_000_000; // as long as it takes the other thread to run
        final Shard shard = newShard();
        final long entry = insertFree(shard);
        try
        {
            final Thread staleTaker = holdByMistakeUntilTried(shard, entry);
            final boolean taken;
            shard.lockOpen();
            try
            {
                taken = shard.tryAcquireKeyUnlessOwned(entry);
            }
            finally
            {
                shard.unlock();
            }
            staleTaker.join(10_000);
            assertTrue(taken, "a key whose word was only held by mistake is free: the try takes it");
            assertTrue(shard.isHeldByCurrentThread(entry));
        }
        finally
        {
            closeAndFree(shard, entry);
        }
    }

    @Test
    void aWordWithARecordedOwnerOrWaitersFailsAtOnce()
    {
        TestHooks.ownerlessSpins = 2_000_000_000; // a try that spun would run into the class timeout
        final Shard shard = newShard();
        final long entry = insertFree(shard);
        try
        {
            assertTrue(KeyLockWord.tryAcquire(entry + EntryLayout.LOCK_WORD));
            shard.lockOpen();
            try
            {
                shard.addWaiter(entry, 1);
                assertFalse(shard.tryAcquireKeyUnlessOwned(entry), "a key with a waiter");
                shard.addWaiter(entry, -1);
                UnsafeApi.putLong(entry + EntryLayout.OWNER, EntryLayout.owner(1, Long.MAX_VALUE));
                assertFalse(shard.tryAcquireKeyUnlessOwned(entry), "a key with a recorded owner");
            }
            finally
            {
                shard.unlock();
            }
        }
        finally
        {
            closeAndFree(shard, entry);
        }
    }

    /** The same through the map: {@code tryLock} reaches the wait when its CAS meets the word held. */
    @Test
    void mapTryLockTakesAKeyHeldOnlyByMistake() throws Exception
    {
        TestHooks.ownerlessSpins = 2_000_000_000;
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).build())
        {
            map.put(2L, 20L);
            final Shard shard = ((OffHeapLockMap<Long, Long>)map).shards()[0];
            final Scratch scratch = Scratch.get();
            scratch.setKey(Serializers.longs(), 2L, 8);
            final long entry;
            shard.lockOpen();
            try
            {
                entry = shard.address(shard.find(scratch.key, scratch.keyLength, scratch.keyHash));
            }
            finally
            {
                shard.unlock();
            }
            final Thread staleTaker = holdByMistakeUntilTried(shard, entry);
            try (LockedEntry<Long, Long> held = map.tryLock(2L))
            {
                assertNotNull(held, "tryLock reported a key held only by mistake as held");
                assertTrue(held.get() == 20L);
            }
            staleTaker.join(10_000);
        }
    }
}
