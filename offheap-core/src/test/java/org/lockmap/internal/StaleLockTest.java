package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.Serializers;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A key is taken without the shard lock in two steps: a lookup ({@link Shard#findToLock}), then a CAS on
 * the lock word of the entry it found ({@link Shard#lockFound}). These tests put a removal, and a reuse
 * of the freed entry, between the two steps, as another thread could, and check that the CAS takes
 * nothing it should not, and writes nothing into memory that is no longer the key's entry.
 */
class StaleLockTest
{
    private record Key(UnsafeBuffer bytes, int length, long hash)
    {
        static Key of(final long value)
        {
            return of(Serializers.longs(), value);
        }

        static Key of(final String value)
        {
            return of(Serializers.strings(), value);
        }

        private static <T> Key of(final Serializer<T> serializer, final T value)
        {
            final Scratch scratch = Scratch.get();
            scratch.setKey(serializer, value, 1024);
            final byte[] copy = new byte[scratch.keyLength];
            scratch.key.getBytes(0, copy);
            return new Key(new UnsafeBuffer(copy), scratch.keyLength, scratch.keyHash);
        }
    }

    private Shard shard;
    private final Key one = Key.of(1L);
    private final Key two = Key.of(2L);

    @BeforeEach
    void setUp()
    {
        shard = new Shard(0, new EntryLayout(Serializers.longs(), Serializers.longs(), 0), new ParkingLot(), 64 * 1024, 16, -1);
    }

    private int put(final Key key)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
        shard.lockOpen();
        try
        {
            final int ref = shard.insert(key.bytes(), key.length(), key.hash());
            shard.values().commit(shard.address(ref), value, 8);
            assertFalse(shard.releaseKey(shard.address(ref)));
            return ref;
        }
        finally
        {
            shard.unlock();
        }
    }

    private void remove(final Key key)
    {
        shard.lockOpen();
        try
        {
            final int ref = shard.find(key.bytes(), key.length(), key.hash());
            final long entry = shard.address(ref);
            assertTrue(shard.tryAcquireIdleKey(entry));
            shard.values().clearValue(entry);
            assertFalse(shard.releaseKey(entry));
            shard.removeIfUnused(ref, key.hash());
            assertEquals(0, shard.find(key.bytes(), key.length(), key.hash()), "removed");
        }
        finally
        {
            shard.unlock();
        }
    }

    private int lockWord(final int ref)
    {
        return UnsafeApi.getIntVolatile(null, shard.address(ref) + EntryLayout.LOCK_WORD);
    }

    @Test
    void aFreeKeyIsTakenByTheTwoSteps()
    {
        final int ref = put(one);
        final long version = shard.version();
        final int found = shard.findToLock(one.bytes(), one.length(), one.hash(), version);
        assertEquals(ref, found);
        assertEquals(ref, shard.lockFound(found, version, one.bytes(), one.length()));
        assertEquals(Futex.HELD, lockWord(ref));
        assertEquals(0, shard.lockFound(found, version, one.bytes(), one.length()), "a held key is not taken twice");
    }

    @Test
    void anEntryFreedAfterTheLookupIsNotTaken()
    {
        final int ref = put(one);
        final long version = shard.version();
        final int found = shard.findToLock(one.bytes(), one.length(), one.hash(), version);
        remove(one);
        assertEquals(EntryLayout.DEAD, lockWord(ref), "a freed entry's word");
        assertEquals(0, shard.lockFound(found, version, one.bytes(), one.length()));
        assertEquals(EntryLayout.DEAD, lockWord(ref), "the CAS wrote nothing into the freed entry");
        assertEquals(ref, put(two), "the freed entry is reused for the next entry, with its list intact");
    }

    @Test
    void anEntryReusedForAnotherKeyAfterTheLookupIsGivenBack()
    {
        final int ref = put(one);
        final long version = shard.version();
        final int found = shard.findToLock(one.bytes(), one.length(), one.hash(), version);
        remove(one);
        assertEquals(ref, put(two), "the freed entry is reused");
        assertEquals(0, shard.lockFound(found, version, one.bytes(), one.length()));
        assertEquals(Futex.FREE, lockWord(ref), "the other key's word is given back");
        assertEquals(ref, shard.findToLock(two.bytes(), two.length(), two.hash(), shard.version()));
    }

    @Test
    void anEntryReusedForTheSameKeyAfterTheLookupIsThatKeysEntry()
    {
        final int ref = put(one);
        final long version = shard.version();
        final int found = shard.findToLock(one.bytes(), one.length(), one.hash(), version);
        remove(one);
        assertEquals(ref, put(one), "the freed entry is reused for the same key");
        assertEquals(ref, shard.lockFound(found, version, one.bytes(), one.length()));
    }

    /** A lookup of key one that went stale: one removed, its entry reused for a placeholder of key two. */
    private record StalePlaceholder(int found, long version, int placeholder)
    {
    }

    /**
     * Looks key one up, removes it, then locks key two while absent (reusing one's entry) with
     * {@code waiters} registered waiters, and releases it: what a stale CAS on one's ref would then take.
     */
    private StalePlaceholder staleLookupThenPlaceholder(final int waiters)
    {
        final int ref = put(one);
        final long version = shard.version();
        final int found = shard.findToLock(one.bytes(), one.length(), one.hash(), version);
        remove(one);
        final int placeholder;
        shard.lockOpen();
        try
        {
            placeholder = shard.insert(two.bytes(), two.length(), two.hash());
            shard.addWaiter(shard.address(placeholder), waiters);
            assertFalse(shard.releaseKey(shard.address(placeholder)), "no thread is parked on the word");
        }
        finally
        {
            shard.unlock();
        }
        assertEquals(ref, placeholder, "the freed entry is reused for the placeholder");
        return new StalePlaceholder(found, version, placeholder);
    }

    private int findUnderLock(final Key key)
    {
        shard.lockOpen();
        try
        {
            return shard.find(key.bytes(), key.length(), key.hash());
        }
        finally
        {
            shard.unlock();
        }
    }

    /**
     * Found by review: the stale CAS can land between a placeholder holder's release and its removal,
     * which then fails; the give-back must remove the placeholder itself, or it stays forever.
     */
    @Test
    void aStaleLockGivingBackAnUnusedPlaceholderRemovesIt()
    {
        final StalePlaceholder stale = staleLookupThenPlaceholder(0);
        assertEquals(0, shard.lockFound(stale.found(), stale.version(), one.bytes(), one.length()));
        assertEquals(EntryLayout.DEAD, lockWord(stale.placeholder()), "the placeholder is removed");
        assertEquals(0, findUnderLock(two));
    }

    /**
     * Found by review: the give-back used to decide from the waiter count read before its release, so a
     * waiter that timed out in between (its own removal failing on the mistaken hold) left the
     * placeholder behind for good. The waiter's timeout is put in that window by a {@link TestHooks} hook.
     */
    @Test
    void aWaiterThatTimesOutWhileAStaleLockHoldsThePlaceholderDoesNotLeaveItBehind()
    {
        assertTrue(TestHooks.ENABLED, "run with -Dlockmap.testHooks=true (the build's surefire sets it)");
        final StalePlaceholder stale = staleLookupThenPlaceholder(1);
        final int placeholder = stale.placeholder();
        TestHooks.beforeGiveBack = () ->
        {
            // The waiter times out: it deregisters and tries to remove the placeholder, which fails
            // because the stale lock holds its word.
            shard.lockOpen();
            try
            {
                shard.addWaiter(shard.address(placeholder), -1);
                shard.removeIfUnused(placeholder, two.hash());
            }
            finally
            {
                shard.unlock();
            }
            assertEquals(placeholder, findUnderLock(two), "still there");
        };
        try
        {
            assertEquals(0, shard.lockFound(stale.found(), stale.version(), one.bytes(), one.length()));
        }
        finally
        {
            TestHooks.beforeGiveBack = null;
        }
        assertEquals(EntryLayout.DEAD, lockWord(placeholder), "the placeholder is removed");
        assertEquals(0, findUnderLock(two));
    }

    @Test
    void aWaiterCountThatWouldWrapIsRefused()
    {
        final int ref = put(one);
        final long entry = shard.address(ref);
        final int state = UnsafeApi.getInt(entry + EntryLayout.STATE);
        shard.lockOpen();
        try
        {
            // As if MAX_WAITERS threads were registered, without registering them.
            UnsafeApi.putInt(entry + EntryLayout.STATE, state + Shard.MAX_WAITERS * EntryLayout.ONE_WAITER);
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> shard.addWaiter(entry, 1));
            assertTrue(ex.getMessage().contains("threads wait"), ex.getMessage());
            assertEquals(state + Shard.MAX_WAITERS * EntryLayout.ONE_WAITER, UnsafeApi.getInt(entry + EntryLayout.STATE),
                "the count is unchanged");
            UnsafeApi.putInt(entry + EntryLayout.STATE, state);
        }
        finally
        {
            shard.unlock();
        }
    }

    @Test
    void aLookupThatMeetsAWriterFindsNothing()
    {
        put(one);
        shard.lockOpen();
        try
        {
            assertEquals(0, shard.findToLock(one.bytes(), one.length(), one.hash(), shard.version()), "odd version");
        }
        finally
        {
            shard.unlock();
        }
        assertEquals(0, shard.findToLock(two.bytes(), two.length(), two.hash(), shard.version()), "absent");
    }

    private static final EntryLayout STRINGS = new EntryLayout(Serializers.strings(), Serializers.strings(), 0);

    private void useVariableSizeKeys()
    {
        shard = new Shard(0, STRINGS, new ParkingLot(), 64 * 1024, 16, -1);
    }

    /**
     * Variable-size keys: a freed entry goes to the entries' free list of its size class, never to the
     * blocks that values are cut from, so a stale CAS on its lock word cannot write into a value.
     */
    @Test
    void aFreedEntryOfAVariableSizeKeyIsNeverReusedForAValue()
    {
        useVariableSizeKeys();
        final Key ab = Key.of("ab");
        final int ref = put(ab);
        final long version = shard.version();
        final int found = shard.findToLock(ab.bytes(), ab.length(), ab.hash(), version);
        remove(ab);
        assertEquals(EntryLayout.DEAD, lockWord(ref), "a freed entry's word");
        shard.lockOpen();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                assertNotEquals(ref, shard.allocateBlock(STRINGS.entrySize(ab.length())), "a value block cut from a freed entry");
            }
        }
        finally
        {
            shard.unlock();
        }
        assertEquals(EntryLayout.DEAD, lockWord(ref));
        assertEquals(0, shard.lockFound(found, version, ab.bytes(), ab.length()));
        assertEquals(EntryLayout.DEAD, lockWord(ref), "the CAS wrote nothing into the freed entry");
        assertEquals(ref, put(Key.of("xy")), "the freed entry is reused for an entry of its size");
    }

    /**
     * Variable-size keys: the entry found for {@code "ab"} is reused for {@code "abc"}, the same entry size;
     * the stale CAS takes it, and must see that the key is longer, not just that its first bytes match.
     */
    @Test
    void anEntryReusedForALongerKeyWithTheSamePrefixIsGivenBack()
    {
        useVariableSizeKeys();
        final Key ab = Key.of("ab");
        final Key abc = Key.of("abc");
        final int ref = put(ab);
        final long version = shard.version();
        final int found = shard.findToLock(ab.bytes(), ab.length(), ab.hash(), version);
        remove(ab);
        assertEquals(ref, put(abc), "the freed entry is reused");
        assertEquals(0, shard.lockFound(found, version, ab.bytes(), ab.length()), "abc's entry taken as ab's");
        assertEquals(Futex.FREE, lockWord(ref), "the other key's word is given back");
        assertEquals(ref, shard.findToLock(abc.bytes(), abc.length(), abc.hash(), shard.version()));
    }
}
