package org.lockmap.internal;

import org.agrona.UnsafeApi;

/**
 * The 64-bit hash of a key's serialized bytes: the same in every process on a host, so that lock order
 * and shard choice agree across processes that share a map. Bits 40 and up choose the shard, the low
 * 32 bits are the hash table's tag and home slot.
 */
public final class KeyHash
{
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long BASE = UnsafeApi.arrayBaseOffset(byte[].class);

    private KeyHash()
    {
    }

    /**
     * @param bytes  the key's bytes, from index 0.
     * @param length how many bytes.
     * @return the hash.
     */
    public static long hash(final byte[] bytes, final int length)
    {
        return hash(bytes, BASE, length);
    }

    /**
     * The same hash as {@link #hash(byte[], int)}, of bytes in native memory (a key stored in an entry).
     *
     * @param address the key's first byte.
     * @param length  how many bytes.
     * @return the hash.
     */
    public static long hashNative(final long address, final int length)
    {
        return hash(null, address, length);
    }

    /**
     * The same hash as {@link #hash(byte[], int)} of an 8-byte key, from the word its bytes read as in the
     * platform's order ({@code Serializer.toWord}): the loop below, unrolled for one word.
     *
     * @param word the key's 8 bytes as one word.
     * @return the hash.
     */
    public static long hashWord(final long word)
    {
        return mix(Long.rotateLeft((P3 ^ (Long.BYTES * P1)) ^ round(word), 27) * P1 + P2);
    }

    /** The hash of {@code length} bytes at {@code offset} in {@code base} (an array, or null for an address). */
    private static long hash(final Object base, final long offset, final int length)
    {
        long h = P3 ^ (length * P1);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            h = Long.rotateLeft(h ^ round(UnsafeApi.getLong(base, offset + i)), 27) * P1 + P2;
        }
        if (i < length)
        {
            long tail = 0;
            for (int shift = 0; i < length; i++, shift += 8)
            {
                tail |= (UnsafeApi.getByte(base, offset + i) & 0xFFL) << shift;
            }
            h = Long.rotateLeft(h ^ round(tail), 27) * P1 + P2;
        }
        return mix(h);
    }

    private static long round(final long input)
    {
        return Long.rotateLeft(input * P2, 31) * P1;
    }

    private static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }
}
