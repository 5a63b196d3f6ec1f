package org.lockmap.internal;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * sits on the heap at once. A key longer than {@link #SHARED_KEY_BYTES_MAX} gets an array of its own
 * ({@link #separateKeys}; its key offset is then {@code -1 - n} for the n-th of them), so that the shared
 * array stays small and a batch of huge keys needs no single array larger than one key, as when every
 * key had its own array. The shared array shrinks back after a batch that grew it past
 * {@link #KEEP_BYTES}.
 */
final class EntryBatch
{
    /** Values longer than this are not copied into a batch but looked up one at a time. */
    static final int VALUE_BYTES_MAX = 1024;
    /** The value length of an entry whose value the batch does not hold. */
    static final int NOT_COPIED = -1;
    /** Keys longer than this get an array of their own instead of a place in the shared one. */
    static final int SHARED_KEY_BYTES_MAX = 4096;
    /** The shared array's size to start with, and the most it keeps across batches. */
    private static final int KEEP_BYTES = 64 * 1024;
    private static final int FIELDS = 4;
    private static final int KEY_OFFSET = 0;
    private static final int KEY_LENGTH = 1;
    private static final int VALUE_OFFSET = 2;
    private static final int VALUE_LENGTH = 3;

    private final boolean withValues;
    private byte[] bytes = new byte[4096];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    private final UnsafeBuffer separateKey = new UnsafeBuffer(new byte[0]);
    private final List<byte[]> separateKeys = new ArrayList<>();
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
        if (bytes.length > KEEP_BYTES)
        {
            bytes = new byte[KEEP_BYTES];
            buffer.wrap(bytes);
        }
    }

    /**
     * Drops the entries from {@code newSize} on (those of a walk that a writer tore).
     *
     * @param newSize how many entries to keep, at most {@link #size()}.
     */
    void truncate(final int newSize)
    {
        size = newSize;
        int separate = 0;
        used = 0;
        // The shared bytes end where the last kept entry's end; separate keys are counted from the start.
        for (int i = 0; i < newSize; i++)
        {
            final int at = FIELDS * i;
            if (index[at + KEY_OFFSET] < 0)
            {
                separate++;
            }
            else
            {
                used = Math.max(used, index[at + KEY_OFFSET] + index[at + KEY_LENGTH]);
            }
            used = Math.max(used, index[at + VALUE_OFFSET] + Math.max(0, index[at + VALUE_LENGTH]));
        }
        separateKeys.subList(separate, separateKeys.size()).clear();
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
        final int i = FIELDS * size++;
        if (length > SHARED_KEY_BYTES_MAX)
        {
            final byte[] key = new byte[length];
            UnsafeApi.copyMemory(null, address, key, Scratch.BYTE_ARRAY_BASE, length);
            separateKeys.add(key);
            index[i + KEY_OFFSET] = -separateKeys.size();
        }
        else
        {
            final int at = reserve(length);
            UnsafeApi.copyMemory(null, address, bytes, Scratch.BYTE_ARRAY_BASE + at, length);
            index[i + KEY_OFFSET] = at;
        }
        index[i + KEY_LENGTH] = length;
        index[i + VALUE_OFFSET] = used;
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
        final int at = reserve(length);
        UnsafeApi.copyMemory(null, address, bytes, Scratch.BYTE_ARRAY_BASE + at, length);
        setValue(at, length);
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
            // In longs: the shared array holds keys of at most 4 KiB and values of at most 1 KiB.
            bytes = Arrays.copyOf(bytes, (int)Math.min(Integer.MAX_VALUE - 8, Math.max(2L * bytes.length, (long)at + length)));
            buffer.wrap(bytes);
        }
        used = at + length;
        return at;
    }

    /**
     * @return the batch's values' bytes (at {@link #valueOffset}), valid until the next change to the batch.
     */
    DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @param i an entry.
     * @return a buffer that holds its key at {@link #keyOffset}, valid until the next call.
     */
    DirectBuffer keyBuffer(final int i)
    {
        final int offset = index[FIELDS * i + KEY_OFFSET];
        if (offset >= 0)
        {
            return buffer;
        }
        separateKey.wrap(separateKeys.get(-1 - offset));
        return separateKey;
    }

    /**
     * @param i an entry.
     * @return the array that holds its key, at {@link #keyOffset}.
     */
    byte[] keyArray(final int i)
    {
        final int offset = index[FIELDS * i + KEY_OFFSET];
        return offset >= 0 ? bytes : separateKeys.get(-1 - offset);
    }

    /**
     * @param i an entry.
     * @return where its key starts in {@link #keyArray} and {@link #keyBuffer}.
     */
    int keyOffset(final int i)
    {
        return Math.max(0, index[FIELDS * i + KEY_OFFSET]);
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
     * @return the shared array's length (for tests: it stays small whatever the keys' sizes).
     */
    int sharedCapacity()
    {
        return bytes.length;
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
