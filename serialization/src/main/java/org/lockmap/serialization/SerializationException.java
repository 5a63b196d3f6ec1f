package org.lockmap.serialization;

/**
 * Stored bytes that a serializer cannot decode, or a value it cannot encode. The message names the
 * serializer and what was wrong.
 */
public class SerializationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the serializer.
     */
    public SerializationException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, naming the serializer.
     * @param cause   the underlying failure.
     */
    public SerializationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
