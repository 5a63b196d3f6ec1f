package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * {@code byte}: 1 byte as it is.
 */
final class ByteSerializer implements Serializer<Byte>
{
    static final ByteSerializer INSTANCE = new ByteSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.byte", 1, 1);

    static void put(final MutableDirectBuffer buffer, final int offset, final byte value)
    {
        buffer.putByte(offset, value);
    }

    static byte get(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset);
    }

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return 1;
    }

    public int sizeOf(final Byte value)
    {
        return 1;
    }

    public void write(final Byte value, final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, value);
    }

    public Byte read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, 1);
        return get(buffer, offset);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
