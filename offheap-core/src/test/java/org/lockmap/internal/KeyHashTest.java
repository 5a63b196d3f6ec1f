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
}
