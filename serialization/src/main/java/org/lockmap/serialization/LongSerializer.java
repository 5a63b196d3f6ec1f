package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

final class LongSerializer implements Serializer<Long>
{
    static final LongSerializer INSTANCE = new LongSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.long", 1, Long.BYTES);

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return Long.BYTES;
    }

    public int sizeOf(final Long value)
    {
        return Long.BYTES;
    }

    public void write(final Long value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, value, ByteOrder.LITTLE_ENDIAN);
    }

    public Long read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.length(this, length, Long.BYTES);
        return buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
