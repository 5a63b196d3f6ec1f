package org.lockmap.serialization;

import org.agrona.DirectBuffer;

/**
 * Decoding checks shared by the built-in serializers; each failure is a {@link SerializationException}
 * whose message starts with the serializer's fingerprint, so a log line says which format failed.
 */
final class Checks
{
    private Checks()
    {
    }

    /**
     * Checks that {@code [offset, offset + length)} lies inside the buffer, so that a bad range becomes a
     * {@link SerializationException} instead of an {@link IndexOutOfBoundsException} (or, with Agrona's
     * bounds checks disabled, a read of foreign memory).
     */
    static void range(final Serializer<?> serializer, final DirectBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || (long)offset + length > buffer.capacity())
        {
            throw new SerializationException(serializer.fingerprint() + ": the range [" + offset + ", " +
                ((long)offset + length) + ") is outside the buffer of capacity " + buffer.capacity());
        }
    }

    static void length(final Serializer<?> serializer, final int actual, final int expected)
    {
        if (actual != expected)
        {
            throw new SerializationException(
                serializer.fingerprint() + ": expected " + expected + " bytes but the stored value has " + actual);
        }
    }

    /**
     * {@link #range} and {@link #length} together: the check every fixed-size read starts with.
     */
    static void fixed(
        final Serializer<?> serializer,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int expected)
    {
        length(serializer, length, expected);
        range(serializer, buffer, offset, length);
    }

    static SerializationException fail(final Serializer<?> serializer, final String message)
    {
        return new SerializationException(serializer.fingerprint() + ": " + message);
    }

    static SerializationException fail(final Serializer<?> serializer, final String message, final Throwable cause)
    {
        return new SerializationException(serializer.fingerprint() + ": " + message, cause);
    }
}
