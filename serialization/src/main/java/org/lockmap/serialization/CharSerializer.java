package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * {@code char}: 2 bytes, the UTF-16 code unit, little-endian.
 */
final class CharSerializer implements Serializer<Character>
{
    static final CharSerializer INSTANCE = new CharSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.char", 1, 2);

    static void put(final MutableDirectBuffer buffer, final int offset, final char value)
    {
        buffer.putChar(offset, value, ByteOrder.LITTLE_ENDIAN);
    }

    static char get(final DirectBuffer buffer, final int offset)
    {
        return buffer.getChar(offset, ByteOrder.LITTLE_ENDIAN);
    }

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return 2;
    }

    public int sizeOf(final Character value)
    {
        return 2;
    }

    public void write(final Character value, final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, value);
    }

    public Character read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, 2);
        return get(buffer, offset);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
