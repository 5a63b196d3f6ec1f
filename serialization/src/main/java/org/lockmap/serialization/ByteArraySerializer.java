package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * {@code byte[]}: the array's bytes as they are, no length prefix (the map stores the length). Two arrays
 * with the same contents are the same key.
 */
final class ByteArraySerializer implements Serializer<byte[]>
{
    static final ByteArraySerializer INSTANCE = new ByteArraySerializer();
    private static final SerializerFingerprint FINGERPRINT =
        new SerializerFingerprint("lockmap.byte-array", 1, VARIABLE_SIZE);

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return VARIABLE_SIZE;
    }

    public int sizeOf(final byte[] value)
    {
        return value.length;
    }

    public void write(final byte[] value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putBytes(offset, value);
    }

    public byte[] read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.range(this, buffer, offset, length);
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
