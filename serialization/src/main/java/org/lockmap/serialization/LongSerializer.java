package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * {@code long}: 8 bytes, little-endian.
 */
final class LongSerializer implements Serializer<Long>
{
    static final LongSerializer INSTANCE = new LongSerializer();
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.long", 1, Long.BYTES);

    static void put(final MutableDirectBuffer buffer, final int offset, final long value)
    {
        buffer.putLong(offset, value, ByteOrder.LITTLE_ENDIAN);
    }

    static long get(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
    }

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
        put(buffer, offset, value);
    }

    public Long read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, Long.BYTES);
        return get(buffer, offset);
    }

    public boolean isWord()
    {
        return true;
    }

    public long toWord(final Long value)
    {
        return Words.ofLittleEndian(value, 8);
    }

    public Long fromWord(final long word)
    {
        return Words.toLittleEndianBits(word, Long.BYTES);
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
