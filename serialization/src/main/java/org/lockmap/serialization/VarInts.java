package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Unsigned LEB128 lengths: 7 bits a byte, least significant group first, the high bit set on every byte
 * but the last. A length below 128 takes one byte, any non-negative {@code int} at most {@link #MAX_SIZE}.
 */
final class VarInts
{
    static final int MAX_SIZE = 5;

    private VarInts()
    {
    }

    static int sizeOf(final int value)
    {
        // 1 + floor((bits - 1) / 7) for the bits that are set, with 0 taking one byte.
        final int bits = Integer.SIZE - Integer.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /**
     * @return the number of bytes written.
     */
    static int put(final MutableDirectBuffer buffer, final int offset, final int value)
    {
        int index = offset;
        int remaining = value;
        while ((remaining & ~0x7F) != 0)
        {
            buffer.putByte(index++, (byte)((remaining & 0x7F) | 0x80));
            remaining >>>= 7;
        }
        buffer.putByte(index++, (byte)remaining);
        return index - offset;
    }

    /**
     * Reads a length that must end before {@code end}.
     *
     * @return the value in the low 32 bits and the number of bytes it took in the high 32 bits.
     */
    static long get(final Serializer<?> serializer, final DirectBuffer buffer, final int offset, final int end)
    {
        long value = 0;
        for (int i = 0; i < MAX_SIZE; i++)
        {
            if (offset + i >= end)
            {
                throw Checks.fail(serializer, "truncated: a length prefix at byte " + offset + " runs past the end");
            }
            final int b = buffer.getByte(offset + i);
            value |= (long)(b & 0x7F) << (7 * i);
            if (b >= 0)
            {
                if (value > Integer.MAX_VALUE)
                {
                    break;
                }
                return ((long)(i + 1) << 32) | value;
            }
        }
        throw Checks.fail(serializer, "the length prefix at byte " + offset + " is not a valid length");
    }
}
