package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.lockmap.serialization.Serializers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StaleLockTest}'s two steps (a lookup without the shard lock, then a CAS on the word of the cell
 * it found) with a {@link CellTable}, whose cells move: a table rebuild between the steps must leave the
 * CAS nothing to take, whether the old cell is DEAD (claimed for the move), on a page given back to the
 * kernel (zero: a free word, but no {@link EntryLayout#FLAG_LIVE}), or now another key's cell.
 */
class StaleCellLockTest
{
    private static final EntryLayout LONGS = new EntryLayout(Serializers.longs(), Serializers.longs(), 0);

    private record Key(UnsafeBuffer bytes, int length, long hash)
    {
        static Key of(final long value)
        {
            final Scratch scratch = Scratch.get();
            scratch.setKey(Serializers.longs(), value, 1024);
            final byte[] copy = new byte[scratch.keyLength];
            scratch.key.getBytes(0, copy);
            return new Key(new UnsafeBuffer(copy), scratch.keyLength, scratch.keyHash);
        }
    }

    private static Shard shard(final int capacity)
    {
        return new Shard(0, LONGS, new ParkingLot(), 64 * 1024, capacity, LONGS.cellSize(0));
    }

    private static int put(final Shard shard, final long key)
    {
        final Key k = Key.of(key);
        shard.lockOpen();
        try
        {
            final int ref = shard.insert(k.bytes(), k.length(), k.hash());
            shard.values().commit(shard.address(ref), new UnsafeBuffer(new byte[8]), 8);
            shard.releaseKey(shard.address(ref));
            return ref;
        }
        finally
        {
            shard.unlock();
        }
    }

    private static void remove(final Shard shard, final long key)
    {
        final Key k = Key.of(key);
        shard.lockOpen();
        try
        {
            final int ref = shard.find(k.bytes(), k.length(), k.hash());
            final long entry = shard.address(ref);
            assertTrue(shard.tryAcquireIdleKey(entry));
            shard.values().clearValue(entry);
            shard.releaseKey(entry);
            shard.removeIfUnused(ref, k.hash());
        }
        finally
        {
            shard.unlock();
        }
    }

    private static int find(final Shard shard, final Key key)
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
     * The first step, the lookup without the shard lock, checked against the key's cell.
     *
     * @return the version it was validated against, for the second step.
     */
    private static long lookUp(final Shard shard, final long key, final int ref)
    {
        final Key k = Key.of(key);
        final long version = shard.version();
        assertEquals(ref, shard.findToLock(k.bytes(), k.length(), k.hash(), version));
        return version;
    }

    /** Puts {@code count} keys from {@code first}. */
    private static void grow(final Shard shard, final long first, final int count)
    {
        for (long k = first; k < first + count; k++)
        {
            put(shard, k);
        }
    }

    private static int lockWord(final Shard shard, final int ref)
    {
        return UnsafeApi.getIntVolatile(null, shard.address(ref) + EntryLayout.LOCK_WORD);
    }

    @Test
    void aCellMovedByGrowthIsNotTakenWhereItWas()
    {
        final Shard shard = shard(16);
        final Key one = Key.of(1L);
        final int ref = put(shard, 1L);
        final long version = lookUp(shard, 1L, ref);
        grow(shard, 100, 40);
        final int moved = find(shard, one);
        assertNotEquals(ref, moved, "the growth moved the cell");
        assertEquals(EntryLayout.DEAD, lockWord(shard, ref), "the old cell was claimed for the move");
        assertEquals(0, shard.lockFound(ref, version, one.bytes(), one.length()));
        assertEquals(EntryLayout.DEAD, lockWord(shard, ref));
        final long now = shard.version();
        assertEquals(moved, shard.lockFound(shard.findToLock(one.bytes(), one.length(), one.hash(), now), now, one.bytes(), one.length()));
        shard.releaseMemory();
    }

    /**
     * Key 0: its stored bytes are zeros, as are those of a page given back, so only the missing live flag
     * tells the CAS that the zero cell is not the key's.
     */
    @Test
    void aCellOnAPageGivenBackIsTakenOnlyToBeGivenBack()
    {
        final Key zero = Key.of(0L);
        int capacity = 512;
        while (HashTable.home((int)zero.hash(), capacity) < capacity * 3 / 8 ||
            HashTable.home((int)zero.hash(), capacity) >= capacity * 5 / 8)
        {
            capacity += 8; // until key 0's cell is on a page in the middle of the table, given back whole
        }
        final Shard shard = shard(capacity);
        final int ref = put(shard, 0L);
        final long version = lookUp(shard, 0L, ref);
        grow(shard, 1_000, capacity);
        final int moved = find(shard, zero);
        assertNotEquals(ref, moved, "the growth moved the cell");
        assertEquals(0, lockWord(shard, ref), "the old cell's page reads as zeros: a free word");
        assertEquals(0, shard.lockFound(ref, version, zero.bytes(), zero.length()), "no live flag: given back");
        assertEquals(0, lockWord(shard, ref), "and its word freed again");
        assertEquals(Futex.FREE, lockWord(shard, moved), "the key's real cell was never touched");
        shard.releaseMemory();
    }

    @Test
    void aCellRebuiltInPlaceForAnotherKeyIsGivenBack()
    {
        final Shard shard = shard(64);
        final Key one = Key.of(1L);
        final int ref = put(shard, 1L);
        final long version = lookUp(shard, 1L, ref);
        remove(shard, 1L);
        // Churn until a rebuild in place, with keys that hash everywhere, then fill the old cell's spot.
        for (long k = 10_000; k < 10_200; k++)
        {
            put(shard, k);
            remove(shard, k);
        }
        grow(shard, 20_000, 20);
        final int before = lockWord(shard, ref);
        assertEquals(0, shard.lockFound(ref, version, one.bytes(), one.length()), "key 1 is gone: nothing to take");
        assertEquals(before, lockWord(shard, ref), "whatever the cell holds now, its word is as it was");
        shard.releaseMemory();
    }
}
