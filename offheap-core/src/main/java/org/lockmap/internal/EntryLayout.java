package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.lockmap.serialization.Serializer;

/**
 * The layout of one entry, a block in a shard's address space; one instance per map, because the
 * optional fields depend on whether keys and values have a fixed size.
 *
 * <pre>
 *   0                   4                   8                                  16
 *   +-------------------+-------------------+----------------------------------+
 *   | lock word (futex) | waiters:24 flags:8| owner: pid:24 thread id:40, or 0 |
 *   +-------------------+-------------------+----------------------------------+
 *  16 | [key length]      | [value length]    | [value ref]      | [policy ...] |
 *   +---------------------------------------------------------------------------
 *     | key bytes, from an 8-byte boundary                                       |
 *   +---------------------------------------------------------------------------
 *     | fixed-size values only: one 8-byte word value slot, or                   |
 *     | value slot A | value slot B (each 8-byte aligned)                        |
 *   +---------------------------------------------------------------------------
 * </pre>
 *
 * Fields in brackets exist only when needed: key length for variable-size keys; value length and value
 * ref (the committed value's block) for variable-size values; policy words for an eviction policy (the
 * LRU list's previous and next refs). A fixed-size value lives in the entry itself:
 * <ul>
 *   <li>1 to 8 bytes ({@link #wordValue}): one aligned 8-byte slot, the value in its first bytes and
 *       zeros after. A holder keeps its pending value on the heap and close commits it with one 8-byte
 *       store, which neither a reader nor a crash can see half-done. A {@code Long -> Long} entry is then
 *       32 bytes, two per cache line, never straddling one.</li>
 *   <li>Larger (or empty): two slots. {@link #FLAG_SLOT_B} says which one is committed; a holder writes the other
 *       one and close flips the flag, so a reader never sees a half-written value and a crash never tears
 *       the committed one.</li>
 * </ul>
 *
 * <p>The lock word, waiter count and owner are the key's lock ({@link Futex}); the waiter count keeps the
 * entry alive while threads wait on its lock word. Taking the lock word is what makes a thread the key's
 * only writer, with or without the shard lock: a thread may take it by a CAS without the shard lock, from
 * a ref found by a lookup without the lock, so whoever changes an entry takes its word first, and whoever
 * frees one turns its word from free to {@link #DEAD}.
 */
public final class EntryLayout
{
    /**
     * int: the key lock's futex word: 0 free, 1 held, 2 held with waiters, or {@link #DEAD} once the entry
     * is freed.
     */
    public static final int LOCK_WORD = 0;
    /**
     * The lock word of a freed entry, never free: a thread that took the entry's ref from a lookup without
     * the shard lock, and CASes the word from free after the entry was removed, fails instead of writing
     * into freed memory. Freed entries keep it because they are only ever reused as entries (see
     * {@link ShardMemory#freeEntry}).
     */
    public static final int DEAD = 3;
    /**
     * int: the low 8 bits are flags ({@link #FLAG_PRESENT}, {@link #FLAG_SLOT_B}), the high 24 bits count
     * the threads registered to wait for this key. Changed only under the shard lock.
     */
    public static final int STATE = 4;
    /** One waiter in {@link #STATE}. */
    public static final int ONE_WAITER = 1 << 8;
    /** long: the holder's identity, {@link #owner(int, long)}, 0 when free. */
    public static final int OWNER = 8;
    /** The entry has a committed value. */
    public static final int FLAG_PRESENT = 1;
    /** The committed fixed-size value is in slot B (two-slot values only). */
    public static final int FLAG_SLOT_B = 2;
    /**
     * The key was held when the map closed, and that hold pins the shard's memory until it is released
     * (see {@link Shard#close()}).
     */
    public static final int FLAG_HELD_AT_CLOSE = 4;

    /**
     * The entry is its key's entry: set when it is inserted, cleared when it is removed. A thread that
     * took the lock word of an entry found without the shard lock, after a writer ran, checks it: the
     * cell of a moved or removed key in a {@link CellTable} has a free lock word once its page is
     * discarded (zero), and no live flag.
     */
    public static final int FLAG_LIVE = 8;

    private static final int COMMON_HEADER = 16;
    private static final long THREAD_ID_MASK = (1L << 40) - 1;

    /** Offset of the int key length, or -1 for fixed-size keys. */
    public final int keyLengthOffset;
    /** Offset of the int committed value length, or -1 for fixed-size values. */
    public final int valueLengthOffset;
    /** Offset of the int committed value ref, or -1 for fixed-size values. */
    public final int valueRefOffset;
    /** Offset of the first int policy word, or -1 if there are none. */
    public final int policyOffset;
    /** Offset of the key bytes. */
    public final int keyOffset;
    /** The fixed key size, or -1. */
    public final int fixedKeySize;
    /** The fixed value size, or -1. */
    public final int fixedValueSize;
    /** The distance between value slots A and B (fixed-size values of more than 8 bytes). */
    public final int valueSlotStride;
    /** Fixed-size values of 1 to 8 bytes: one slot, committed by one 8-byte store. */
    public final boolean wordValue;

    /**
     * @param keySerializer   decides whether keys have a fixed size.
     * @param valueSerializer decides whether values have a fixed size.
     * @param policyWords     int words reserved for an eviction policy.
     */
    public EntryLayout(final Serializer<?> keySerializer, final Serializer<?> valueSerializer, final int policyWords)
    {
        fixedKeySize = keySerializer.fixedSize();
        fixedValueSize = valueSerializer.fixedSize();
        int offset = COMMON_HEADER;
        keyLengthOffset = fixedKeySize < 0 ? offset : -1;
        offset += fixedKeySize < 0 ? Integer.BYTES : 0;
        valueLengthOffset = fixedValueSize < 0 ? offset : -1;
        valueRefOffset = fixedValueSize < 0 ? offset + Integer.BYTES : -1;
        offset += fixedValueSize < 0 ? 2 * Integer.BYTES : 0;
        policyOffset = policyWords > 0 ? offset : -1;
        offset += policyWords * Integer.BYTES;
        keyOffset = align8(offset);
        valueSlotStride = fixedValueSize < 0 ? 0 : align8(fixedValueSize);
        wordValue = fixedValueSize > 0 && fixedValueSize <= Long.BYTES;
    }

    /**
     * @param entry an entry's address.
     * @return its key's length: the fixed size, or the entry's key length field.
     */
    public int keyLength(final long entry)
    {
        return fixedKeySize >= 0 ? fixedKeySize : UnsafeApi.getInt(entry + keyLengthOffset);
    }

    /**
     * @param keyLength the key's size in bytes.
     * @return where value slot A starts (fixed-size values).
     */
    public int valueSlotOffset(final int keyLength)
    {
        return keyOffset + align8(keyLength);
    }

    /**
     * @param keyLength the key's size in bytes.
     * @return the entry's block size in bytes.
     */
    public int entrySize(final int keyLength)
    {
        return valueSlotOffset(keyLength) + (wordValue ? Long.BYTES : 2 * valueSlotStride);
    }

    /**
     * The size of a cell when this layout's entries can live inline in a {@link CellTable}: fixed-size keys
     * and values, no eviction policy, and an entry of at most 64 bytes, rounded up to a power of two so
     * that no cell straddles a cache line.
     *
     * @param policyWords the eviction policy's words per entry (its list links must not move).
     * @return the cell size, or -1 if entries must live apart from the table ({@link HashTable}).
     */
    public int cellSize(final int policyWords)
    {
        if (fixedKeySize < 0 || fixedValueSize < 0 || policyWords > 0)
        {
            return -1;
        }
        final int size = entrySize(fixedKeySize);
        return size > CellTable.MAX_CELL ? -1 : Math.max(16, Integer.highestOneBit(size - 1) << 1);
    }

    /**
     * A holder's identity in one word: Linux pids fit in 22 bits, and thread ids would need a trillion
     * threads to wrap 40.
     *
     * @param pid      the process id.
     * @param threadId the thread id.
     * @return the owner word, never 0.
     */
    public static long owner(final int pid, final long threadId)
    {
        return ((long)pid << 40) | (threadId & THREAD_ID_MASK);
    }

    /**
     * @param value a size.
     * @return the size rounded up to a multiple of 8.
     */
    public static int align8(final int value)
    {
        return (value + 7) & ~7;
    }
}
