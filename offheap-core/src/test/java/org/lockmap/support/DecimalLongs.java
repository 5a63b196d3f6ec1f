package org.lockmap.support;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.SerializerFingerprint;

import java.nio.charset.StandardCharsets;

/**
 * Longs stored as their decimal text: a variable-size serializer, so that tests written for Long values
 * also exercise the variable-size value path (allocated blocks instead of fixed slots).
 */
public final class DecimalLongs implements Serializer<Long>
{
    /** The instance. */
    public static final DecimalLongs INSTANCE = new DecimalLongs();

    private DecimalLongs()
    {
    }

    @Override
    public SerializerFingerprint fingerprint()
    {
        return new SerializerFingerprint("test.decimal-longs", 1, VARIABLE_SIZE);
    }

    @Override
    public int fixedSize()
    {
        return VARIABLE_SIZE;
    }

    @Override
    public int sizeOf(final Long value)
    {
        return Long.toString(value).length();
    }

    @Override
    public void write(final Long value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putBytes(offset, Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public Long read(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
    }
}
