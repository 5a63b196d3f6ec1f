package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The chunked address space with a first chunk of any multiple of 64 KiB: blocks across many chunks get
 * distinct, stable, writable memory, and a block's bytes are contiguous.
 */
class ShardMemoryTest
{
    @ParameterizedTest
    @ValueSource(longs = {1, 64 * 1024, 3 * 64 * 1024 - 5, 5 * 64 * 1024, 1_572_864})
    void blocksInEveryChunkAreDistinctContiguousAndKeepTheirContents(final long firstChunk)
    {
        final ShardMemory memory = new ShardMemory(firstChunk);
        try
        {
            final SplittableRandom random = new SplittableRandom(firstChunk);
            final List<int[]> blocks = new ArrayList<>();
            long allocated = 0;
            // Past chunk 4 whatever the first chunk's size: a mix of entry-sized and larger blocks.
            final long target = Math.max(firstChunk, 64 * 1024) * 20;
            while (allocated < target)
            {
                final int size = random.nextInt(8) == 0 ? 8 * (1 + random.nextInt(1024)) : 32;
                final int ref = memory.allocate(size);
                final long address = memory.address(ref);
                // Contiguous: the ref of the block's last word translates to the block's last word.
                assertEquals(address + size - 8, memory.address(ref + size / 8 - 1), "block " + ref + " of " + size);
                for (int i = 0; i < size; i += 8)
                {
                    UnsafeApi.putLong(address + i, ((long)ref << 32) | i);
                }
                blocks.add(new int[] {ref, size});
                allocated += size;
            }
            for (final int[] block : blocks)
            {
                final long address = memory.address(block[0]);
                for (int i = 0; i < block[1]; i += 8)
                {
                    assertEquals(((long)block[0] << 32) | i, UnsafeApi.getLong(address + i), "overwritten: block " + block[0]);
                }
            }
            assertTrue(memory.reservedBytes() >= allocated);
            assertTrue(memory.reservedBytes() < 4 * allocated + 4L * Math.max(firstChunk, 64 * 1024),
                "reserved " + memory.reservedBytes() + " for " + allocated);
        }
        finally
        {
            memory.release();
        }
    }

    /**
     * Found by review: refs are 8-byte units in 32 bits, and the chunk that crosses 32 GiB (always one
     * when the first chunk is not a power of two) handed out blocks past it with wrapped refs, the first
     * one 0, the shard header. Reserves about 32 GiB of address space, never touched.
     */
    @Test
    void aShardStopsAt32GiBInsteadOfWrappingRefs()
    {
        final ShardMemory memory = new ShardMemory(17 * 64 * 1024);
        final java.util.Map<Long, Integer> byAddress = new java.util.HashMap<>();
        try
        {
            int blocks = 0;
            IllegalStateException full = null;
            while (full == null)
            {
                final int ref;
                try
                {
                    ref = memory.allocate(1 << 30);
                }
                catch (final IllegalStateException ex)
                {
                    full = ex;
                    break;
                }
                catch (final OutOfMemoryError ex)
                {
                    org.junit.jupiter.api.Assumptions.abort("this machine refuses to reserve the address space: " + ex);
                    return;
                }
                assertNotEquals(0, ref, "block " + blocks + " got ref 0, the shard header");
                assertTrue(memory.address(ref) != 0);
                assertNull(byAddress.put(memory.address(ref), blocks), "block " + blocks + " aliases an earlier block");
                assertTrue((ref & 0xFFFF_FFFFL) * 8 + (1L << 30) <= 1L << 35, "block " + blocks + " ends past 32 GiB");
                blocks++;
            }
            assertTrue(full.getMessage().contains("32 GiB"), full.getMessage());
            assertTrue(blocks >= 30, "only " + blocks + " blocks of 1 GiB before the shard was full");
            assertTrue(memory.reservedBytes() <= 1L << 35, "reserved " + memory.reservedBytes());
        }
        finally
        {
            memory.release();
        }
    }

    @Test
    void anExactBlockTakesItsSizeAndIsReusedOnlyForWhatFitsInIt()
    {
        final ShardMemory memory = new ShardMemory(4 << 20);
        try
        {
            final int table = memory.allocateExact(341_120);
            final int next = memory.allocateExact(8 * 1024);
            assertEquals(341_120, memory.address(next) - memory.address(table), "not rounded up to 512 KiB");
            memory.freeExact(table, 341_120);
            final int tooBig = memory.allocate(300_000);
            assertNotEquals(table, tooBig, "a 300,000-byte request must not get the 341,120-byte block's 2^19 class");
            assertEquals(table, memory.allocate(200_000), "the freed block serves a 2^18 request");
        }
        finally
        {
            memory.release();
        }
    }

    /**
     * A freed table serves entry-sized requests, each the front of what is left of it, until less than
     * 2 KiB remains: the top does not move meanwhile, and no two blocks overlap.
     */
    @Test
    void aFreedLargeBlockIsSplitForSmallerRequests()
    {
        final ShardMemory memory = new ShardMemory(4 << 20);
        try
        {
            final int table = memory.allocateExact(341_120);
            memory.allocateExact(8 * 1024);
            memory.freeExact(table, 341_120);
            final long top = memory.topBytes();
            final long start = memory.address(table);
            final List<Integer> refs = new ArrayList<>();
            for (int ref = memory.allocate(32); memory.topBytes() == top; ref = memory.allocate(32))
            {
                final long address = memory.address(ref);
                assertTrue(address >= start && address + 32 <= start + 341_120, "block " + ref + " outside the freed one");
                UnsafeApi.putLong(address, ref);
                UnsafeApi.putLong(address + 24, ref);
                refs.add(ref);
            }
            assertTrue(refs.size() >= (341_120 - 2 * 1024) / 32, refs.size() + " blocks from the freed one");
            for (final int ref : refs)
            {
                final long address = memory.address(ref);
                assertEquals(ref, UnsafeApi.getLong(address), "overwritten: block " + ref);
                assertEquals(ref, UnsafeApi.getLong(address + 24), "overwritten: block " + ref);
            }
        }
        finally
        {
            memory.release();
        }
    }

    /** A free block larger than its class keeps its size: what a request leaves of it stays free. */
    @Test
    void theRestOfALargeFreeBlockStaysFree()
    {
        final ShardMemory memory = new ShardMemory(1 << 20);
        try
        {
            final int block = memory.allocateExact(3_000);
            memory.allocateExact(8 * 1024);
            memory.freeExact(block, 3_000);
            assertEquals(block, memory.allocate(2_048), "the 3,000-byte block serves a 2 KiB request");
            assertEquals(block + 2_048 / 8, memory.allocate(952), "and its last 952 bytes a 952-byte one");
            final long top = memory.topBytes();
            memory.allocate(2_048);
            assertNotEquals(top, memory.topBytes(), "nothing is left of it");
        }
        finally
        {
            memory.release();
        }
    }

    @Test
    void theFirstChunkIsTheRequestRoundedUpTo64KiB()
    {
        final ShardMemory memory = new ShardMemory(1_524_928);
        try
        {
            assertEquals(1_572_864, memory.reservedBytes());
        }
        finally
        {
            memory.release();
        }
    }
}
