package org.lockmap.internal;

/**
 * The header at offset 0 of every shard's address space. All offsets are relative to the shard's
 * address space (see {@link ShardMemory}); references inside a shard are 32-bit "refs" counting 8-byte
 * units from offset 0, so a ref of 0 is null (it points at this header) and a shard spans up to 32 GiB.
 *
 * <pre>
 *   0                   4                   8                                  16
 *   +-------------------+-------------------+----------------------------------+
 *   | lock word (futex) | extra cells       | version                          |
 *   +-------------------+-------------------+----------------------------------+
 *  16 | pins              | table capacity    | size: entries with a value     |
 *   +-------------------+-------------------+----------------------------------+
 *  32 | entry count (values and placeholders) | top: next unallocated offset    |
 *   +---------------------------------------+----------------------------------+
 *  48 | table ref         | large free mask   | reserved                         |
 *   +-------------------+-------------------+----------------------------------+
 *  64 | free list heads: one int ref per size class, {@link #SIZE_CLASSES} of them |
 *   +--------------------------------------------------------------------------+
 *     | freed entries' list heads: one int ref per size class, as many           |
 *   +--------------------------------------------------------------------------+
 * </pre>
 *
 * The lock word follows {@link Futex}: 0 free, 1 held, 2 held with waiters. Every other field is read
 * and written only while the shard lock is held. The reserved word is kept for recording the lock's
 * owner, so that a later version can recover a lock whose owner process died.
 *
 * <p>A free block of a small class is exactly its class's size, and holds the next free block's ref in
 * its first int. A free block of a large class is at least its class's size: its first int is the next
 * ref, its second its own size in 8-byte units, so that a request can take part of it and leave the
 * rest free.
 */
public final class ShardLayout
{
    /** int: the shard lock's futex word. */
    public static final int LOCK_WORD = 0;
    /**
     * long: odd while the shard lock is held, even when free, one more at every taking and freeing of the
     * lock: a reader that sees the same even version before and after reading without the lock read a
     * state that no writer was changing (a sequence lock on top of the shard lock). 64 bits, so that no
     * stalled reader can see it wrap back to the value it read.
     */
    public static final int VERSION = 8;
    /**
     * int: what keeps this shard's memory mapped after the map is closed, in this process: registered
     * waiters, and the keys held at the close (holders are counted only then; see {@link Shard#close()}).
     */
    public static final int PINS = 16;
    /** int: the number of slots (or cells) in the hash table, at least 16 (any number: see {@link HashTable#home}). */
    public static final int TABLE_CAPACITY = 20;
    /** long: entries that have a value. */
    public static final int SIZE = 24;
    /** long: entries in the table, placeholders included. */
    public static final int ENTRY_COUNT = 32;
    /**
     * int: cells of a {@link CellTable} in use beyond one per entry: tombstones (a removed entry's cell,
     * which probes pass over) and the second cell of each displaced entry (its forwarder); 0 for a
     * {@link HashTable}.
     */
    public static final int EXTRA_CELLS = 4;
    /** long: the offset of the first byte never allocated. */
    public static final int TOP = 40;
    /** int: the ref of the hash table's block (of a {@link CellTable}: of its cell 0). */
    public static final int TABLE_REF = 48;
    /**
     * int: bit {@code c - FIRST_LARGE_CLASS} is set while the free list of large size class {@code c}
     * is not empty, so that a request whose own class is empty finds the smallest larger free block
     * to split in one read ({@link ShardMemory#allocate}).
     */
    public static final int LARGE_FREE_MASK = 52;
    /** int[SIZE_CLASSES]: the head ref of each size class's free list. */
    public static final int FREE_LISTS = 64;

    /** Blocks up to this size have an exact-fit class per 8 bytes; above it, classes are powers of two. */
    public static final int SMALL_LIMIT = 1024;
    /** Small classes (1..128) plus power-of-two classes for 2^11 .. 2^31. */
    public static final int SIZE_CLASSES = SMALL_LIMIT / 8 + 1 + 21;
    /** The class of 2^11 bytes, the first power-of-two class. */
    public static final int FIRST_LARGE_CLASS = SMALL_LIMIT / 8 + 1;
    /**
     * int[SIZE_CLASSES]: the head ref of each size class's list of freed entries, kept apart from
     * {@link #FREE_LISTS} so that an entry's block is only ever reused as an entry ({@link ShardMemory#freeEntry}).
     */
    public static final int ENTRY_FREE_LISTS = FREE_LISTS + SIZE_CLASSES * Integer.BYTES;
    /** The header's size, a multiple of 64 so that the first block starts on a cache line. */
    public static final int HEADER_SIZE = (ENTRY_FREE_LISTS + SIZE_CLASSES * Integer.BYTES + 63) & ~63;

    private ShardLayout()
    {
    }
}
