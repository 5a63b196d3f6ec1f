package org.lockmap.internal;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * One batch of a walk over a shard ({@link Shard#collectPresent}): the bytes of the keys that have a
 * value in one range of hash tags and, for the value and entry views, of their committed values, copied
 * into one byte array that the walk reuses from batch to batch. A walk then allocates only the objects
 * it decodes, and reads each value in the same pass as its key instead of looking it up again.
 *
 * <p>Layout: {@link #bytes} holds the copied bytes back to back; entry {@code i} is described by four
 * ints of {@link #index} from {@code 4 * i}: key offset, key length, value offset, value length. The
 * value length is {@link #NOT_COPIED} when the batch is for keys only, or when the value is longer than
 * {@link #VALUE_BYTES_MAX}: the reader then looks that value up, so that a batch of large values never
 * sits on the heap at once.
 */
final class EntryBatch
{
    /** Values longer than this are not copied into a batch but looked up one at a time. */
    static final int VALUE_BYTES_MAX = 1024;
    /** The value length of an entry whose value the batch does not hold. */
    static final int NOT_COPIED = -1;
    private static final int FIELDS = 4;
    private static final int KEY_OFFSET = 0;
    private static final int KEY_LENGTH = 1;
    private static final int VALUE_OFFSET = 2;
    private static final int VALUE_LENGTH = 3;

    private final boolean withValues;
    private byte[] bytes = new byte[4096];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    private int[] index = new int[FIELDS * 2 * OffHeapLockMap.ITERATION_BATCH];
    private int size;
    private int used;

    /**
     * @param withValues whether the walk copies values as well as keys.
     */
    EntryBatch(final boolean withValues)
    {
        this.withValues = withValues;
    }

    /**
     * @return whether values are copied.
     */
    boolean withValues()
    {
        return withValues;
    }

    /**
     * @return the number of entries.
     */
    int size()
    {
        return size;
    }

    /**
     * Empties the batch, keeping its arrays.
     */
    void clear()
    {
        truncate(0);
    }

    /**
     * Drops the entries from {@code newSize} on (those of a walk that a writer tore).
     *
     * @param newSize how many entries to keep, at most {@link #size()}.
     */
    void truncate(final int newSize)
    {
        size = newSize;
        if (newSize == 0)
        {
            used = 0;
            return;
        }
        final int last = FIELDS * (newSize - 1);
        used = Math.max(index[last + KEY_OFFSET] + index[last + KEY_LENGTH],
            index[last + VALUE_OFFSET] + Math.max(0, index[last + VALUE_LENGTH]));
    }

    /**
     * Appends an entry, its value not (yet) copied.
     *
     * @param address where the key's bytes are, in native memory.
     * @param length  how many.
     */
    void addKey(final long address, final int length)
    {
        if (FIELDS * (size + 1) > index.length)
        {
            index = Arrays.copyOf(index, 2 * index.length);
        }
        final int at = reserve(length);
        UnsafeApi.copyMemory(null, address, bytes, Scratch.BYTE_ARRAY_BASE + at, length);
        final int i = FIELDS * size++;
        index[i + KEY_OFFSET] = at;
        index[i + KEY_LENGTH] = length;
        index[i + VALUE_OFFSET] = at + length;
        index[i + VALUE_LENGTH] = NOT_COPIED;
    }

    /**
     * Copies the last entry's value.
     *
     * @param address where the value's bytes are, in native memory.
     * @param length  how many, at most {@link #VALUE_BYTES_MAX}.
     */
    void addValue(final long address, final int length)
    {
        setValue(reserve(length), length);
        UnsafeApi.copyMemory(null, address, bytes, Scratch.BYTE_ARRAY_BASE + index[FIELDS * (size - 1) + VALUE_OFFSET], length);
    }

    /**
     * Sets the last entry's value from a word value ({@link EntryLayout#wordValue}), loaded once.
     *
     * @param word   the word, its first {@code length} bytes the value's.
     * @param length the value's length, 1 to 8.
     */
    void addValueWord(final long word, final int length)
    {
        final int at = reserve(Long.BYTES);
        UnsafeApi.putLong(bytes, Scratch.BYTE_ARRAY_BASE + at, word);
        setValue(at, length);
        used = at + length;
    }

    private void setValue(final int at, final int length)
    {
        final int i = FIELDS * (size - 1);
        index[i + VALUE_OFFSET] = at;
        index[i + VALUE_LENGTH] = length;
    }

    private int reserve(final int length)
    {
        final int at = used;
        if (length > bytes.length - at)
        {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, at + length));
            buffer.wrap(bytes);
        }
        used = at + length;
        return at;
    }

    /**
     * @return the batch's bytes, valid until the next change to the batch.
     */
    DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the array behind {@link #buffer()}.
     */
    byte[] array()
    {
        return bytes;
    }

    int keyOffset(final int i)
    {
        return index[FIELDS * i + KEY_OFFSET];
    }

    int keyLength(final int i)
    {
        return index[FIELDS * i + KEY_LENGTH];
    }

    int valueOffset(final int i)
    {
        return index[FIELDS * i + VALUE_OFFSET];
    }

    /**
     * @param i an entry.
     * @return its value's length, or {@link #NOT_COPIED}.
     */
    int valueLength(final int i)
    {
        return index[FIELDS * i + VALUE_LENGTH];
    }
}
