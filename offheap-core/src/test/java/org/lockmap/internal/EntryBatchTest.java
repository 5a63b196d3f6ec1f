package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch an iteration copies a shard range into: keys and values land where the index says, huge keys
 * get arrays of their own (a batch of them once needed one array as large as all of them together,
 * which overflowed past 2 GiB), a torn walk's entries are dropped, and the shared array shrinks back.
 */
class EntryBatchTest
{
    @Test
    void keysAndValuesOfEverySizeComeBackAsCopied()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final int[] keySizes = {0, 8, 4_096, 4_097, 100_000, 3, 250_000, 16};
            final EntryBatch batch = new EntryBatch(true);
            final byte[][] keys = new byte[keySizes.length][];
            for (int i = 0; i < keySizes.length; i++)
            {
                keys[i] = bytes(keySizes[i], i);
                batch.addKey(nativeCopy(arena, keys[i]), keys[i].length);
                if (i % 3 == 0)
                {
                    batch.addValueWord(0x0102_0304_0506_0708L + i, 4);
                }
                else if (i % 3 == 1)
                {
                    batch.addValue(nativeCopy(arena, bytes(1_000, -i)), 1_000);
                }
            }
            assertTrue(batch.sharedCapacity() < 64 * 1024, "shared array " + batch.sharedCapacity());
            check(batch, keys, keySizes.length);
            batch.truncate(5);
            check(batch, keys, 5);
            // After a truncation the next entries go where the dropped ones were, and the kept ones stay whole.
            batch.addKey(nativeCopy(arena, keys[6]), keys[6].length);
            batch.addValue(nativeCopy(arena, bytes(1_000, -5)), 1_000);
            assertArrayEquals(keys[6], key(batch, 5));
            assertEquals(6, batch.size());
            checkFirst(batch, keys, 5);
            batch.clear();
            assertEquals(0, batch.size());
        }
    }

    @Test
    void theSharedArrayShrinksBackAfterABigBatch()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final EntryBatch batch = new EntryBatch(false);
            final byte[] key = bytes(4_000, 1);
            final long address = nativeCopy(arena, key);
            for (int i = 0; i < 1_000; i++)
            {
                batch.addKey(address, key.length);
            }
            assertTrue(batch.sharedCapacity() >= 4_000_000);
            batch.clear();
            assertTrue(batch.sharedCapacity() <= 64 * 1024, "kept " + batch.sharedCapacity());
        }
    }

    private static void check(final EntryBatch batch, final byte[][] keys, final int size)
    {
        assertEquals(size, batch.size());
        checkFirst(batch, keys, size);
    }

    private static void checkFirst(final EntryBatch batch, final byte[][] keys, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(keys[i], key(batch, i), "key " + i);
            final byte[] viaBuffer = new byte[batch.keyLength(i)];
            batch.keyBuffer(i).getBytes(batch.keyOffset(i), viaBuffer);
            assertArrayEquals(keys[i], viaBuffer, "key " + i + " through its buffer");
            if (i % 3 == 0)
            {
                assertEquals(4, batch.valueLength(i));
                assertEquals((int)(0x0102_0304_0506_0708L + i), batch.buffer().getInt(batch.valueOffset(i)), "word value " + i);
            }
            else if (i % 3 == 1)
            {
                final byte[] value = new byte[batch.valueLength(i)];
                batch.buffer().getBytes(batch.valueOffset(i), value);
                assertArrayEquals(bytes(1_000, -i), value, "value " + i);
            }
            else
            {
                assertEquals(EntryBatch.NOT_COPIED, batch.valueLength(i));
            }
        }
    }

    private static byte[] key(final EntryBatch batch, final int i)
    {
        return Arrays.copyOfRange(batch.keyArray(i), batch.keyOffset(i), batch.keyOffset(i) + batch.keyLength(i));
    }

    private static byte[] bytes(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + seed);
        }
        return bytes;
    }

    private static long nativeCopy(final Arena arena, final byte[] bytes)
    {
        final MemorySegment segment = arena.allocate(Math.max(1, bytes.length), 8);
        UnsafeApi.copyMemory(bytes, Scratch.BYTE_ARRAY_BASE, null, segment.address(), bytes.length);
        return segment.address();
    }
}
