package org.lockmap.serialization;

import java.nio.ByteOrder;

/**
 * The word form of little-endian fixed-size values ({@link Serializer#toWord}): the bytes that
 * {@code putLong(..., LITTLE_ENDIAN)} and its narrower kin write, read back as one {@code long} in the
 * platform's order, with zeros past the value's size.
 */
final class Words
{
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Words()
    {
    }

    /**
     * @param bits  the value's bits, in its low {@code bytes} bytes.
     * @param bytes the serialized size, 1 to 8.
     * @return the word whose memory image is the value's little-endian bytes followed by zeros.
     */
    static long ofLittleEndian(final long bits, final int bytes)
    {
        final long low = bytes == Long.BYTES ? bits : bits & ((1L << (bytes * 8)) - 1);
        return LITTLE_ENDIAN ? low : Long.reverseBytes(low);
    }

    /**
     * @param word  a word from {@link #ofLittleEndian}.
     * @param bytes the serialized size, 1 to 8.
     * @return the value's bits, in the low {@code bytes} bytes, zeros above.
     */
    static long toLittleEndianBits(final long word, final int bytes)
    {
        final long bits = LITTLE_ENDIAN ? word : Long.reverseBytes(word);
        return bytes == Long.BYTES ? bits : bits & ((1L << (bytes * 8)) - 1);
    }
}
