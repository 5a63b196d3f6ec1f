package org.lockmap.internal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lockmap.LockMap;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.SerializerFingerprint;
import org.lockmap.serialization.Serializers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The allocator's sizes are ints; blocks of more than 1 GiB wrapped negative and moved the shard's top
 * back, so that later blocks overlapped (found by a review). And a shard whose table's chunk failed to
 * map kept its first chunk mapped for good.
 */
class AllocationLimitsTest
{
    @AfterEach
    void clearHook()
    {
        TestHooks.beforeReserve = null;
    }

    @Test
    void blocksOverOneGibibyteAreRefusedAndTheTopStays()
    {
        final ShardMemory memory = new ShardMemory(64 * 1024);
        try
        {
            final int first = memory.allocate(32);
            assertThrows(IllegalArgumentException.class, () -> memory.allocate(ShardMemory.MAX_BLOCK + 8));
            assertThrows(IllegalArgumentException.class, () -> memory.allocateExact(ShardMemory.MAX_BLOCK + 8));
            assertThrows(IllegalArgumentException.class, () -> memory.allocate(-8));
            assertEquals(first + 4, memory.allocate(32), "the next block follows the first: nothing moved the top");
        }
        finally
        {
            memory.release();
        }
    }

    @Test
    void aFixedValueTooLargeForOneEntryIsRejectedWhenTheMapIsBuilt()
    {
        // Two slots of 600 MiB: an entry of 1.2 GiB, whose int size wrapped.
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> LockMap.builder(Serializers.longs(), new FixedBytes(600 << 20)).maxValueSize(1 << 30).build());
        assertTrue(ex.getMessage().contains("1 GiB"), ex.getMessage());
        // Half of that still fits.
        LockMap.builder(Serializers.longs(), new FixedBytes(300 << 20)).maxValueSize(1 << 30).shards(1).build().close();
    }

    @Test
    void aShardWhoseTableCannotBeMappedUnmapsItsFirstChunk() throws IOException
    {
        // 30M entries in one shard: a 320 MiB table, past the 256 MiB first chunk, in a chunk of its own.
        TestHooks.beforeReserve = size ->
        {
            if (size > 256L << 20)
            {
                throw new OutOfMemoryError("test: no " + size + " bytes for the table");
            }
        };
        final long before = virtualMemoryKib();
        for (int i = 0; i < 4; i++)
        {
            try
            {
                LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).expectedEntries(30_000_000).build();
                fail("the table's chunk was refused");
            }
            catch (final OutOfMemoryError expected)
            {
                // as set up
            }
        }
        final long grown = virtualMemoryKib() - before;
        // Each leaked first chunk was 256 MiB of address space.
        assertTrue(grown < 256 * 1024, "address space grew by " + grown + " KiB over four failed builds");
    }

    private static long virtualMemoryKib() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmSize:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmSize in /proc/self/status");
    }

    /** Byte arrays of one fixed size, never written here. */
    private record FixedBytes(int size) implements Serializer<byte[]>
    {
        public SerializerFingerprint fingerprint()
        {
            return Serializers.byteArrays().fingerprint();
        }

        public int fixedSize()
        {
            return size;
        }

        public int sizeOf(final byte[] value)
        {
            return size;
        }

        public void write(final byte[] value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putBytes(offset, value, 0, size);
        }

        public byte[] read(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return bytes;
        }
    }
}
