package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * {@code short}: 2 bytes, little-endian.
 */
final class ShortSerializer implements Serializer<Short>
{
    static final ShortSerializer INSTANCE = new ShortSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.short", 1, 2);

    static void put(final MutableDirectBuffer buffer, final int offset, final short value)
    {
        buffer.putShort(offset, value, ByteOrder.LITTLE_ENDIAN);
    }

    static short get(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN);
    }

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return 2;
    }

    public int sizeOf(final Short value)
    {
        return 2;
    }

    public void write(final Short value, final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, value);
    }

    public Short read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, 2);
        return get(buffer, offset);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
