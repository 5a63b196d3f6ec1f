package org.lockmap.serialization;

/**
 * Factories for the built-in serializers. Every returned serializer is immutable and thread-safe.
 */
public final class Serializers
{
    private Serializers()
    {
    }

    /**
     * @return 8 bytes, little-endian.
     */
    public static Serializer<Long> longs()
    {
        return LongSerializer.INSTANCE;
    }

    /**
     * @return 4 bytes, little-endian.
     */
    public static Serializer<Integer> ints()
    {
        return IntSerializer.INSTANCE;
    }

    /**
     * @return UTF-8 bytes, no length prefix (the map stores the length).
     */
    public static Serializer<String> strings()
    {
        return StringSerializer.INSTANCE;
    }

    /**
     * @return the array's bytes as they are.
     */
    public static Serializer<byte[]> byteArrays()
    {
        return ByteArraySerializer.INSTANCE;
    }
}
