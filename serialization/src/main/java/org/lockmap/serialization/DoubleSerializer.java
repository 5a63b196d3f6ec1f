package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * {@code double}: the 8 bytes of {@link Double#doubleToLongBits(double)}, little-endian. Every NaN is written
 * as the one canonical NaN {@code 0x7ff8000000000000L}, so all NaNs are one key; {@code -0.0} and {@code 0.0}
 * keep their distinct bits and are two keys.
 */
final class DoubleSerializer implements Serializer<Double>
{
    static final DoubleSerializer INSTANCE = new DoubleSerializer();
    private static final SerializerFingerprint FINGERPRINT =
        new SerializerFingerprint("lockmap.double", 1, Double.BYTES);

    static void put(final MutableDirectBuffer buffer, final int offset, final double value)
    {
        // doubleToLongBits, unlike doubleToRawLongBits, collapses every NaN to the canonical one.
        buffer.putLong(offset, Double.doubleToLongBits(value), ByteOrder.LITTLE_ENDIAN);
    }

    static double get(final DirectBuffer buffer, final int offset)
    {
        return Double.longBitsToDouble(buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN));
    }

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return Double.BYTES;
    }

    public int sizeOf(final Double value)
    {
        return Double.BYTES;
    }

    public void write(final Double value, final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, value);
    }

    public Double read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, Double.BYTES);
        return get(buffer, offset);
    }

    public boolean isWord()
    {
        return true;
    }

    public long toWord(final Double value)
    {
        return Words.ofLittleEndian(Double.doubleToLongBits(value), 8);
    }

    public Double fromWord(final long word)
    {
        return Double.longBitsToDouble(Words.toLittleEndianBits(word, Long.BYTES));
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
