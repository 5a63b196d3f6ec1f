package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * {@code Instant}: 12 bytes, the epoch second (8 bytes) then the nanosecond of the second (4 bytes), both
 * little-endian. Every instant from {@link Instant#MIN} to {@link Instant#MAX} round-trips exactly; stored
 * bytes outside that range, or with a nanosecond outside {@code [0, 999_999_999]}, are an error.
 */
final class InstantSerializer implements Serializer<Instant>
{
    static final InstantSerializer INSTANCE = new InstantSerializer();
    static final int SIZE = Long.BYTES + Integer.BYTES;
    private static final SerializerFingerprint FINGERPRINT = new SerializerFingerprint("lockmap.instant", 1, SIZE);
    private static final int NANOS_PER_SECOND = 1_000_000_000;

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return SIZE;
    }

    public int sizeOf(final Instant value)
    {
        return SIZE;
    }

    public void write(final Instant value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, value.getEpochSecond(), ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + Long.BYTES, value.getNano(), ByteOrder.LITTLE_ENDIAN);
    }

    public Instant read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, SIZE);
        final long seconds = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
        final int nanos = buffer.getInt(offset + Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        if (nanos < 0 || nanos >= NANOS_PER_SECOND)
        {
            throw Checks.fail(this, "stored nanosecond-of-second " + nanos + " is outside [0, 999999999]");
        }
        try
        {
            return Instant.ofEpochSecond(seconds, nanos);
        }
        catch (final DateTimeException ex)
        {
            throw Checks.fail(this, "stored epoch second " + seconds + " is outside the range of Instant", ex);
        }
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
