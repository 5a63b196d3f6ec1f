package org.lockmap.serialization;

/**
 * Decoding checks shared by the built-in serializers; each failure names the serializer.
 */
final class Checks
{
    private Checks()
    {
    }

    static void length(final Serializer<?> serializer, final int actual, final int expected)
    {
        if (actual != expected)
        {
            throw new SerializationException(
                serializer.fingerprint() + ": expected " + expected + " bytes but the stored value has " + actual);
        }
    }
}
