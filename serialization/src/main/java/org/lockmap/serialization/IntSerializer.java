package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * {@code int}: 4 bytes, little-endian.
 */
final class IntSerializer implements Serializer<Integer>
{
    static final IntSerializer INSTANCE = new IntSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.int", 1, 4);

    static void put(final MutableDirectBuffer buffer, final int offset, final int value)
    {
        buffer.putInt(offset, value, ByteOrder.LITTLE_ENDIAN);
    }

    static int get(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
    }

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return 4;
    }

    public int sizeOf(final Integer value)
    {
        return 4;
    }

    public void write(final Integer value, final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, value);
    }

    public Integer read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, 4);
        return get(buffer, offset);
    }

    public boolean isWord()
    {
        return true;
    }

    public long toWord(final Integer value)
    {
        return Words.ofLittleEndian(value, 4);
    }

    public Integer fromWord(final long word)
    {
        return (int)Words.toLittleEndianBits(word, Integer.BYTES);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
