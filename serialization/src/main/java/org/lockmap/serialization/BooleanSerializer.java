package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * {@code boolean}: one byte, 1 for true and 0 for false; any other stored byte is an error.
 */
final class BooleanSerializer implements Serializer<Boolean>
{
    static final BooleanSerializer INSTANCE = new BooleanSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.boolean", 1, 1);

    static void put(final MutableDirectBuffer buffer, final int offset, final boolean value)
    {
        buffer.putByte(offset, value ? (byte)1 : (byte)0);
    }

    static boolean get(final DirectBuffer buffer, final int offset)
    {
        final byte b = buffer.getByte(offset);
        if (b == 1)
        {
            return true;
        }
        if (b == 0)
        {
            return false;
        }
        throw Checks.fail(INSTANCE, "a boolean is stored as 0 or 1, found " + (b & 0xFF));
    }

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return 1;
    }

    public int sizeOf(final Boolean value)
    {
        return 1;
    }

    public void write(final Boolean value, final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, value);
    }

    public Boolean read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, 1);
        return get(buffer, offset);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
