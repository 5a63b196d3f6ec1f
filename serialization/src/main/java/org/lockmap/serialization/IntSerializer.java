package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

final class IntSerializer implements Serializer<Integer>
{
    static final IntSerializer INSTANCE = new IntSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.int", 1, Integer.BYTES);

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return Integer.BYTES;
    }

    public int sizeOf(final Integer value)
    {
        return Integer.BYTES;
    }

    public void write(final Integer value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putInt(offset, value, ByteOrder.LITTLE_ENDIAN);
    }

    public Integer read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.length(this, length, Integer.BYTES);
        return buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
