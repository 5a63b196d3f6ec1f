package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * {@code float}: the 4 bytes of {@link Float#floatToIntBits(float)}, little-endian. Every NaN is written
 * as the one canonical NaN {@code 0x7fc00000}, so all NaNs are one key; {@code -0.0} and {@code 0.0}
 * keep their distinct bits and are two keys.
 */
final class FloatSerializer implements Serializer<Float>
{
    static final FloatSerializer INSTANCE = new FloatSerializer();
    private static final SerializerFingerprint FINGERPRINT =
        new SerializerFingerprint("lockmap.float", 1, Float.BYTES);

    static void put(final MutableDirectBuffer buffer, final int offset, final float value)
    {
        // floatToIntBits, unlike floatToRawIntBits, collapses every NaN to the canonical one.
        buffer.putInt(offset, Float.floatToIntBits(value), ByteOrder.LITTLE_ENDIAN);
    }

    static float get(final DirectBuffer buffer, final int offset)
    {
        return Float.intBitsToFloat(buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN));
    }

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return Float.BYTES;
    }

    public int sizeOf(final Float value)
    {
        return Float.BYTES;
    }

    public void write(final Float value, final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, value);
    }

    public Float read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, Float.BYTES);
        return get(buffer, offset);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
