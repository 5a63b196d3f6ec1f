package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A shard's hash table: one block of the shard's memory holding {@code capacity} 8-byte slots, whose ref
 * and capacity are in the shard header ({@link ShardLayout#TABLE_REF}, {@link ShardLayout#TABLE_CAPACITY}).
 *
 * <pre>
 *   63                                32 31                                 0
 *   +------------------------------------+------------------------------------+
 *   | tag: the key hash's low 32 bits    | ref of the key's entry             |
 *   +------------------------------------+------------------------------------+
 *   a slot of 0 is empty (no entry has ref 0: that is the shard header)
 * </pre>
 *
 * Open addressing with linear probing. A key's home slot is its tag scaled to the capacity
 * ({@code tag * capacity >>> 32}), so the capacity need not be a power of two (a map built for its size
 * has its table 3/4 full, not between 3/8 and 3/4) and a resize rehashes from the slots alone. Deletion
 * shifts later slots of the run back (no tombstones). Entries never move: only slots do.
 *
 * <p>Thread-safety: changes ({@link #put}, {@link #delete}, {@link #makeRoomFor}) and {@link #find} run under
 * the shard lock. The probes without it are the shard's ({@link Shard#readOptimistic}, {@link Shard#collectPresent}),
 * through {@link #readableTable}, {@link #home} and {@link #next}, with every address bounds-checked and what
 * they read validated against the shard's version. (The lock-free probe stays in {@code Shard}: moved here,
 * it measured about 10% slower on a 1M-entry {@code get}, 1.86 against 2.04 to 2.11 ops/&micro;s over 4
 * forks each, with the same inlining.)
 */
final class HashTable
{
    /** Bytes per slot. */
    static final int SLOT = Long.BYTES;
    /** The largest table: 2^27 slots, a 1 GiB block. */
    static final int MAX_CAPACITY = 1 << 27;

    private final ShardMemory memory;
    private final EntryLayout layout;
    private final long header;

    /**
     * @param memory the shard's memory, whose header holds the table's ref and capacity.
     * @param layout the map's entry layout, for the key compares.
     */
    HashTable(final ShardMemory memory, final EntryLayout layout)
    {
        this.memory = memory;
        this.layout = layout;
        this.header = memory.headerAddress();
    }

    /**
     * Allocates the first, empty table; once, when the shard is built.
     *
     * @param capacity its slots, at least 16.
     */
    void create(final int capacity)
    {
        UnsafeApi.putInt(header + ShardLayout.TABLE_REF, allocate(capacity));
        UnsafeApi.putInt(header + ShardLayout.TABLE_CAPACITY, capacity);
    }

    /**
     * Under the lock.
     *
     * @return the number of slots.
     */
    int capacity()
    {
        return UnsafeApi.getInt(header + ShardLayout.TABLE_CAPACITY);
    }

    /**
     * Under the lock.
     *
     * @param key    the key's bytes.
     * @param length the key's length.
     * @param hash   the key's hash.
     * @return the ref of the key's entry, or 0.
     */
    int find(final UnsafeBuffer key, final int length, final long hash)
    {
        final int tag = (int)hash;
        final int capacity = capacity();
        final long table = memory.address(UnsafeApi.getInt(header + ShardLayout.TABLE_REF));
        for (int i = home(tag, capacity); ; i = next(i, capacity))
        {
            final long slot = UnsafeApi.getLong(table + (long)i * SLOT);
            if (slot == 0)
            {
                return 0;
            }
            if ((int)(slot >>> 32) == tag && holdsKey(memory.address((int)slot), key, length))
            {
                return (int)slot;
            }
        }
    }

    /**
     * Without the lock: the table's address, if the header's ref and capacity (as read) describe a block
     * inside the shard's memory.
     *
     * @param capacity the capacity as read from the header.
     * @return the address of slot 0, or 0 if the read was torn.
     */
    long readableTable(final int capacity)
    {
        return capacity > 0 ?
            memory.readableAddress(UnsafeApi.getInt(header + ShardLayout.TABLE_REF), (long)capacity * SLOT) : 0;
    }

    /**
     * Under the lock.
     *
     * @param slot a slot index.
     * @return the ref of the entry in that slot, or 0.
     */
    int refAt(final int slot)
    {
        final long table = memory.address(UnsafeApi.getInt(header + ShardLayout.TABLE_REF));
        return (int)UnsafeApi.getLong(table + (long)slot * SLOT);
    }

    /**
     * Under the lock: doubles the table if {@code entries} would fill it over 3/4.
     *
     * @param entries the entry count after the insert to come.
     * @throws IllegalStateException if the table is already {@link #MAX_CAPACITY}.
     */
    void makeRoomFor(final long entries)
    {
        final int capacity = capacity();
        if (entries * 4 > (long)capacity * 3)
        {
            resize((int)Math.min(2L * capacity, MAX_CAPACITY));
        }
    }

    /**
     * Under the lock: adds a slot for the entry, which must not be in the table yet.
     *
     * @param hash its key's hash.
     * @param ref  the entry.
     */
    void put(final long hash, final int ref)
    {
        final int tag = (int)hash;
        final int capacity = capacity();
        final long table = memory.address(UnsafeApi.getInt(header + ShardLayout.TABLE_REF));
        int i = home(tag, capacity);
        while (UnsafeApi.getLong(table + (long)i * SLOT) != 0)
        {
            i = next(i, capacity);
        }
        UnsafeApi.putLong(table + (long)i * SLOT, ((long)tag << 32) | (ref & 0xFFFF_FFFFL));
    }

    /**
     * Under the lock: removes the entry's slot, which must be in the table.
     *
     * @param hash its key's hash.
     * @param ref  the entry.
     */
    void delete(final long hash, final int ref)
    {
        final int capacity = capacity();
        final long table = memory.address(UnsafeApi.getInt(header + ShardLayout.TABLE_REF));
        int hole = home((int)hash, capacity);
        while ((int)UnsafeApi.getLong(table + (long)hole * SLOT) != ref)
        {
            hole = next(hole, capacity);
        }
        // Backward-shift deletion: move each later slot of the run into the hole unless that would put
        // it before its home slot.
        int j = hole;
        while (true)
        {
            j = next(j, capacity);
            final long slot = UnsafeApi.getLong(table + (long)j * SLOT);
            if (slot == 0)
            {
                break;
            }
            final int home = home((int)(slot >>> 32), capacity);
            if (distance(home, j, capacity) >= distance(hole, j, capacity))
            {
                UnsafeApi.putLong(table + (long)hole * SLOT, slot);
                hole = j;
            }
        }
        UnsafeApi.putLong(table + (long)hole * SLOT, 0L);
    }

    private void resize(final int newCapacity)
    {
        final int oldCapacity = capacity();
        if (newCapacity <= oldCapacity)
        {
            throw new IllegalStateException("a LockMap shard's table is full at 2^27 slots; build the map with more shards()");
        }
        final int oldRef = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final int newRef = allocate(newCapacity);
        final long oldTable = memory.address(oldRef);
        final long newTable = memory.address(newRef);
        for (int i = 0; i < oldCapacity; i++)
        {
            final long slot = UnsafeApi.getLong(oldTable + (long)i * SLOT);
            if (slot != 0)
            {
                int j = home((int)(slot >>> 32), newCapacity);
                while (UnsafeApi.getLong(newTable + (long)j * SLOT) != 0)
                {
                    j = next(j, newCapacity);
                }
                UnsafeApi.putLong(newTable + (long)j * SLOT, slot);
            }
        }
        UnsafeApi.putInt(header + ShardLayout.TABLE_REF, newRef);
        UnsafeApi.putInt(header + ShardLayout.TABLE_CAPACITY, newCapacity);
        memory.freeExact(oldRef, oldCapacity * SLOT);
    }

    private int allocate(final int capacity)
    {
        final int ref = memory.allocateExact(capacity * SLOT);
        UnsafeApi.setMemory(memory.address(ref), (long)capacity * SLOT, (byte)0);
        return ref;
    }

    /**
     * Whether the entry at {@code entry}, whose first {@code layout.keyOffset + length} bytes are readable,
     * holds this key: the lengths first, since an entry of the same size class may hold a longer key that
     * starts with these bytes.
     */
    private boolean holdsKey(final long entry, final UnsafeBuffer key, final int length)
    {
        return layout.keyLength(entry) == length && Scratch.equalsNative(entry + layout.keyOffset, key, length);
    }

    /**
     * A tag's home slot: the tag, as an unsigned fraction of 2^32, scaled to the capacity (Lemire's
     * multiply-shift), so every capacity gets an even spread from the tag's high bits.
     *
     * @param tag      the key hash's low 32 bits.
     * @param capacity the table's capacity.
     * @return the slot index.
     */
    static int home(final int tag, final int capacity)
    {
        return (int)(((tag & 0xFFFF_FFFFL) * capacity) >>> 32);
    }

    /**
     * @param slot     a slot index.
     * @param capacity the table's capacity.
     * @return the next slot, wrapping at the capacity.
     */
    static int next(final int slot, final int capacity)
    {
        final int next = slot + 1;
        return next == capacity ? 0 : next;
    }

    /**
     * @return how many slots forward {@code to} is from {@code from}, wrapping at the capacity.
     */
    private static int distance(final int from, final int to, final int capacity)
    {
        final int distance = to - from;
        return distance < 0 ? distance + capacity : distance;
    }
}
