package org.lockmap.serialization;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Writes and reads values the way the map does (sizeOf, then write at an offset, then read of exactly that
 * range), on off-heap and on-heap buffers, and checks that a write touches exactly {@code sizeOf} bytes.
 */
final class Buffers
{
    static final int OFFSET = 13;
    private static final int GUARD = 16;

    private Buffers()
    {
    }

    enum Kind
    {
        OFF_HEAP,
        HEAP
    }

    static MutableDirectBuffer allocate(final Kind kind, final int capacity)
    {
        return kind == Kind.OFF_HEAP ?
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity)) :
            new UnsafeBuffer(new byte[capacity]);
    }

    /**
     * Serializes {@code value} into a buffer of {@code kind} and returns the stored bytes, after checking
     * that the write stayed inside {@code [OFFSET, OFFSET + sizeOf)} and set every byte of it.
     */
    static <T> byte[] write(final Serializer<T> serializer, final T value, final Kind kind)
    {
        final int size = serializer.sizeOf(value);
        if (serializer.fixedSize() != Serializer.VARIABLE_SIZE)
        {
            assertEquals(serializer.fixedSize(), size, "fixed size vs sizeOf");
        }
        final MutableDirectBuffer buffer = allocate(kind, OFFSET + size + GUARD);
        final byte[] first = writeOver(serializer, value, buffer, size, (byte)0x00);
        final byte[] second = writeOver(serializer, value, buffer, size, (byte)0xFF);
        // Had the write skipped a byte of its range, that byte would hold 0x00 once and 0xFF the other time.
        assertArrayEquals(first, second, "the write must set every byte of its sizeOf range");
        return first;
    }

    private static <T> byte[] writeOver(
        final Serializer<T> serializer, final T value, final MutableDirectBuffer buffer, final int size, final byte fill)
    {
        buffer.setMemory(0, buffer.capacity(), fill);
        serializer.sizeOf(value); // as the map does, right before each write
        serializer.write(value, buffer, OFFSET);
        for (int i = 0; i < buffer.capacity(); i++)
        {
            if (i < OFFSET || i >= OFFSET + size)
            {
                assertEquals(fill, buffer.getByte(i), "byte " + i + " is outside the written range");
            }
        }
        final byte[] bytes = new byte[size];
        buffer.getBytes(OFFSET, bytes);
        return bytes;
    }

    /**
     * Reads {@code bytes} placed at {@link #OFFSET} in a buffer of {@code kind} with a few bytes after them.
     */
    static <T> T read(final Serializer<T> serializer, final byte[] bytes, final Kind kind)
    {
        return read(serializer, bytes, kind, null);
    }

    static <T> T read(final Serializer<T> serializer, final byte[] bytes, final Kind kind, final T reuse)
    {
        final MutableDirectBuffer buffer = allocate(kind, OFFSET + bytes.length + GUARD);
        buffer.setMemory(0, buffer.capacity(), (byte)0x7F);
        buffer.putBytes(OFFSET, bytes);
        return reuse == null ?
            serializer.read(buffer, OFFSET, bytes.length) :
            serializer.read(buffer, OFFSET, bytes.length, reuse);
    }

    /**
     * Reads {@code bytes} from a buffer of {@code kind} that holds exactly them, from index 0: a read that
     * strays outside its range hits the buffer's bounds instead of guard bytes.
     */
    static <T> T readExact(final Serializer<T> serializer, final byte[] bytes, final Kind kind)
    {
        final MutableDirectBuffer buffer = allocate(kind, bytes.length);
        buffer.putBytes(0, bytes);
        return serializer.read(buffer, 0, bytes.length);
    }

    /**
     * Write then read, on both kinds of buffer; the stored bytes must be the same on both.
     */
    static <T> T roundTrip(final Serializer<T> serializer, final T value)
    {
        final byte[] offHeap = write(serializer, value, Kind.OFF_HEAP);
        final byte[] heap = write(serializer, value, Kind.HEAP);
        assertArrayEquals(offHeap, heap, "off-heap and heap bytes differ");
        final T fromHeap = read(serializer, heap, Kind.HEAP);
        final T fromOffHeap = read(serializer, offHeap, Kind.OFF_HEAP);
        // Compared by their bytes, which works for arrays and records of arrays too.
        assertArrayEquals(offHeap, write(serializer, fromHeap, Kind.HEAP), "heap read does not re-serialize alike");
        assertArrayEquals(offHeap, write(serializer, fromOffHeap, Kind.OFF_HEAP), "off-heap read differs");
        return fromOffHeap;
    }

    static <T> byte[] bytesOf(final Serializer<T> serializer, final T value)
    {
        return write(serializer, value, Kind.OFF_HEAP);
    }
}
