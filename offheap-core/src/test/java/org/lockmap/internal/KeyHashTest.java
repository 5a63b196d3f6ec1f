package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The three ways a key is hashed must agree: a lookup hashes the caller's key from its bytes on the heap or,
 * for an 8-byte word key, from the word; a rebuild or a resize hashes the stored key in native memory. A
 * word hash that differed would lose every such key at the shard's first growth.
 */
class KeyHashTest
{
    @Test
    void aWordHashesAsItsEightBytesDoOnTheHeapAndInNativeMemory()
    {
        final SplittableRandom random = new SplittableRandom(3);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment nativeKey = arena.allocate(Long.BYTES, Long.BYTES);
            final byte[] heapKey = new byte[Long.BYTES];
            for (int i = 0; i < 10_000; i++)
            {
                final long word = i < 3 ? new long[] {0, -1, Long.MIN_VALUE}[i] : random.nextLong();
                UnsafeApi.putLong(heapKey, UnsafeApi.arrayBaseOffset(byte[].class), word);
                UnsafeApi.putLong(nativeKey.address(), word);
                final long expected = KeyHash.hash(heapKey, Long.BYTES);
                assertEquals(expected, KeyHash.hashWord(word), Long.toHexString(word));
                assertEquals(expected, KeyHash.hashNative(nativeKey.address(), Long.BYTES), Long.toHexString(word));
            }
        }
    }

    /**
     * The hash picks a key's shard, its home cell and its place in {@code lockAll}'s order, which every
     * process sharing a map must agree on, and every version that opens the same file: a change to the
     * function must be a deliberate format change, not an accident of a refactoring.
     */
    @Test
    void theHashOfKnownKeysIsPinned()
    {
        final String[] keys = {"", "a", "key", "0123456789abcdef", "a string of thirty-one bytes!!!"};
        final long[] hashes = {0xd8a310150df90781L, 0x25b325b8b82d3106L, 0xabc1836064cc7306L, 0xf35195a625128c56L,
            0xe5282fe845549db8L};
        for (int i = 0; i < keys.length; i++)
        {
            final byte[] bytes = keys[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(hashes[i], KeyHash.hash(bytes, bytes.length), "hash of \"" + keys[i] + "\"");
        }
    }
}
