package org.lockmap.serialization;

import java.nio.charset.StandardCharsets;

/**
 * The identity of a serialized format: the serializer's name, its format version and its fixed size.
 * Two serializers with equal fingerprints read each other's bytes.
 *
 * @param name          a stable name, for example {@code "lockmap.long"}; never a class's hash code.
 * @param formatVersion bumped whenever the byte format changes.
 * @param fixedSize     the fixed size in bytes, or {@link Serializer#VARIABLE_SIZE}.
 */
public record SerializerFingerprint(String name, int formatVersion, int fixedSize)
{
    /**
     * Validates the components.
     *
     * @param name          the name, not blank.
     * @param formatVersion the format version.
     * @param fixedSize     the fixed size or {@link Serializer#VARIABLE_SIZE}.
     */
    public SerializerFingerprint
    {
        if (name == null || name.isBlank())
        {
            throw new IllegalArgumentException("a serializer fingerprint needs a name");
        }
        if (fixedSize < Serializer.VARIABLE_SIZE)
        {
            throw new IllegalArgumentException("fixedSize must be >= 0 or VARIABLE_SIZE: " + fixedSize);
        }
    }

    /**
     * A 64-bit hash of all three components (FNV-1a over the UTF-8 name, then the numbers), stable
     * across JVMs and processes, for storing in a file header.
     *
     * @return the hash.
     */
    public long hash64()
    {
        long h = 0xcbf29ce484222325L;
        for (final byte b : name.getBytes(StandardCharsets.UTF_8))
        {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        h = (h ^ formatVersion) * 0x100000001b3L;
        h = (h ^ fixedSize) * 0x100000001b3L;
        return h;
    }

    @Override
    public String toString()
    {
        return name + "/v" + formatVersion + (fixedSize == Serializer.VARIABLE_SIZE ? "/var" : "/" + fixedSize + "B");
    }
}
