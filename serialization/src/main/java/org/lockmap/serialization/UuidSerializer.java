package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.UUID;

/**
 * {@code UUID}: 16 bytes, the most significant half first, each half big-endian: the RFC 9562 byte order,
 * so a hex dump reads like the UUID's string form.
 */
final class UuidSerializer implements Serializer<UUID>
{
    static final UuidSerializer INSTANCE = new UuidSerializer();
    static final int SIZE = 2 * Long.BYTES;
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.uuid", 1, SIZE);

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return SIZE;
    }

    public int sizeOf(final UUID value)
    {
        return SIZE;
    }

    public void write(final UUID value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, value.getMostSignificantBits(), ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + Long.BYTES, value.getLeastSignificantBits(), ByteOrder.BIG_ENDIAN);
    }

    public UUID read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, SIZE);
        return new UUID(
            buffer.getLong(offset, ByteOrder.BIG_ENDIAN),
            buffer.getLong(offset + Long.BYTES, ByteOrder.BIG_ENDIAN));
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
