package org.lockmap.internal;

import org.agrona.UnsafeApi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One shard's address space and its block allocator.
 *
 * <p>The space is a sequence of chunks that never move, so a block's address is stable for its life
 * and a holder may use its entry without the shard lock (an entry in a {@link CellTable} moves only while
 * nobody holds or waits for it). Chunk 0 covers offsets {@code [0, C)}, and chunk
 * {@code k >= 1} covers {@code [C * 2^(k-1), C * 2^k)}: each new chunk doubles the space, like a growing
 * array, without copying. A chunk's memory is reserved only when a block first needs it. C is the
 * shard's expected need rounded up to 64 KiB, not to a power of two, so that a map built for its size
 * reserves what it uses: an offset's chunk is found from its highest bit and one comparison.
 *
 * <pre>
 *   offset 0        C         2C                  4C                                  8C
 *   | chunk 0       | chunk 1 | chunk 2           | chunk 3                           | ...
 *   | shard header, blocks ...
 * </pre>
 *
 * Blocks are 8-byte aligned and never straddle chunks. Freed blocks go to segregated free lists whose
 * heads live in the shard header ({@link ShardLayout#FREE_LISTS}); a free block's first int is the ref of
 * the next free block of its class. Small sizes have an exact class per 8 bytes; larger ones are rounded
 * up to a power of two, except hash tables, which take exact-size blocks ({@link #allocateExact}). A
 * request whose class has no free block takes the front of the smallest larger free block of a
 * power-of-two class, if any, and leaves the rest free ({@link ShardLayout#LARGE_FREE_MASK} says which
 * of those classes have one): so the tables a growing shard outgrows, and the tails of its chunks, hold
 * entries and values later instead of staying dead. Freed entries go to lists of their own, per size
 * class ({@link ShardLayout#ENTRY_FREE_LISTS}), and are only ever reused as entries ({@link #freeEntry}).
 *
 * <p>Thread-safety: allocation and freeing happen under the shard lock. Address translation reads only
 * chunk bases published before the chunk's first block was handed out.
 */
public final class ShardMemory implements FutexWord
{
    private static final VarHandle INT_HANDLE = ValueLayout.JAVA_INT.varHandle();
    private static final int MAX_CHUNKS = 32;
    private static final long CHUNK_GRAIN = 64 * 1024;
    /** The largest block {@link #allocate} and {@link #allocateExact} hand out: 1 GiB. */
    public static final int MAX_BLOCK = 1 << 30;
    /**
     * Offsets are 8-byte units in an int: the space ends at 32 GiB. The chunk that crosses it is cut
     * there and later chunks are empty, so a block never gets a ref that wraps.
     */
    private static final long SPACE_END = 1L << 35;

    private final Arena arena = Arena.ofShared();
    /** log2 of the largest power of two not above C. */
    private final int chunkShift;
    /** Where each chunk starts, one more than there are chunks (see {@link #chunkOf}). */
    private final long[] chunkStart = new long[MAX_CHUNKS + 1];
    private final long[] chunkDelta = new long[MAX_CHUNKS];
    private final MemorySegment header;
    private final long headerAddress;
    /** Written under the shard lock (and once by release); volatile so that nativeMemoryBytes() reads it without. */
    private volatile long reservedBytes;

    /**
     * @param firstChunkSize the size of chunk 0, rounded up to a multiple of 64 KiB.
     */
    public ShardMemory(final long firstChunkSize)
    {
        final long first = Math.max(CHUNK_GRAIN, (firstChunkSize + CHUNK_GRAIN - 1) & -CHUNK_GRAIN);
        chunkShift = 63 - Long.numberOfLeadingZeros(first);
        for (int chunk = 1; chunk <= MAX_CHUNKS; chunk++)
        {
            chunkStart[chunk] = Math.min(first << (chunk - 1), SPACE_END);
        }
        header = reserveChunk(0);
        headerAddress = header.address();
        UnsafeApi.putLong(headerAddress + ShardLayout.TOP, ShardLayout.HEADER_SIZE);
    }

    /**
     * @return the address of the shard header (offset 0).
     */
    public long headerAddress()
    {
        return headerAddress;
    }

    /**
     * The shard lock's word, accessed through the FFM API so that a thread that reaches it after the
     * shard's memory is freed gets an {@link IllegalStateException} instead of a crash.
     *
     * @param expected the value to compare with.
     * @param value    the value to set.
     * @return true if set.
     */
    public boolean compareAndSet(final int expected, final int value)
    {
        // Full fence (volatile CAS): acquires the shard lock, ordering the critical section after it.
        return INT_HANDLE.compareAndSet(header, (long)ShardLayout.LOCK_WORD, expected, value);
    }

    /**
     * @param value the new lock word.
     * @return the previous lock word.
     */
    public int getAndSet(final int value)
    {
        // Full fence (volatile get-and-set): releases or claims the shard lock; orders the critical
        // section's writes before the lock becomes free.
        return (int)INT_HANDLE.getAndSet(header, (long)ShardLayout.LOCK_WORD, value);
    }

    /**
     * @return the lock word, with volatile semantics.
     */
    public int getVolatile()
    {
        // Volatile read: Futex's test before its CAS, and the lot's recheck under its bucket lock for a missed release.
        return (int)INT_HANDLE.getVolatile(header, (long)ShardLayout.LOCK_WORD);
    }

    /**
     * @param ref a ref inside an allocated block.
     * @return its address.
     */
    public long address(final int ref)
    {
        final long offset = offset(ref);
        return chunkDelta[chunkOf(offset)] + offset;
    }

    /**
     * For readers without the shard lock, who may hold a stale or garbage ref: the address of
     * {@code length} bytes at {@code ref} if they lie inside one reserved chunk (so reading them cannot
     * fault while the shard is alive), else 0.
     *
     * @param ref    a ref, possibly garbage.
     * @param length how many bytes the caller will read, at least 0.
     * @return the address, or 0.
     */
    public long readableAddress(final int ref, final long length)
    {
        final long offset = offset(ref);
        if (offset == 0 || offset + length > SPACE_END)
        {
            return 0;
        }
        final int chunk = chunkOf(offset);
        final long delta = chunkDelta[chunk];
        return delta != 0 && offset + length <= chunkEnd(chunk) ? delta + offset : 0;
    }

    /**
     * @param size the block's size in bytes.
     * @return the ref of a new block of at least {@code size} bytes, zeroed only if freshly reserved.
     * @throws IllegalStateException if the shard's 32 GiB space is exhausted.
     */
    public int allocate(final int size)
    {
        checkBlockSize(size);
        final int sizeClass = sizeClass(size);
        final int blockSize = classSize(sizeClass, size);
        int fromClass = sizeClass;
        int ref = UnsafeApi.getInt(freeListHead(sizeClass));
        if (ref == 0)
        {
            fromClass = largerFreeClass(sizeClass);
            if (fromClass < 0)
            {
                return allocateFromTop(blockSize);
            }
            ref = UnsafeApi.getInt(freeListHead(fromClass));
        }
        popFree(fromClass, ref);
        if (fromClass >= ShardLayout.FIRST_LARGE_CLASS)
        {
            // A large free block is at least its class's size, and may be larger than the request: the
            // rest stays free.
            final long offset = offset(ref);
            freeRange(offset + blockSize, offset + offset(UnsafeApi.getInt(address(ref) + Integer.BYTES)));
        }
        return ref;
    }

    /**
     * @param sizeClass a class whose free list is empty.
     * @return the smallest large class above it whose free list is not, or -1.
     */
    private int largerFreeClass(final int sizeClass)
    {
        final int mask = UnsafeApi.getInt(headerAddress + ShardLayout.LARGE_FREE_MASK);
        final int above = sizeClass < ShardLayout.FIRST_LARGE_CLASS ? mask :
            mask & (-2 << (sizeClass - ShardLayout.FIRST_LARGE_CLASS));
        return above == 0 ? -1 : ShardLayout.FIRST_LARGE_CLASS + Integer.numberOfTrailingZeros(above);
    }

    /**
     * A block of exactly {@code size} bytes (rounded up to 8), for a hash table: its size is not a power
     * of two, and the size classes above 1 KiB are, so {@link #allocate} would round it up by up to half.
     * Free it with {@link #freeExact}, which keeps its exact size on the free lists, so that later
     * requests of any size can be carved from it.
     *
     * @param size the block's size in bytes.
     * @return the block's ref.
     */
    public int allocateExact(final int size)
    {
        checkBlockSize(size);
        return size <= ShardLayout.SMALL_LIMIT ? allocate(size) : allocateFromTop((size + 7) & ~7);
    }

    /**
     * Returns a block from {@link #allocateExact} to the free list of the largest class it can hold.
     *
     * @param ref  the block.
     * @param size the size it was allocated with.
     */
    public void freeExact(final int ref, final int size)
    {
        if (size <= ShardLayout.SMALL_LIMIT)
        {
            free(ref, size);
            return;
        }
        final long offset = offset(ref);
        freeRange(offset, offset + ((size + 7) & ~7));
    }

    /**
     * The largest class, 2^31, does not fit the int sizes used here: a block of more than 2^30 bytes would
     * wrap negative and move the top back. The map's build rejects layouts whose entries could get there.
     */
    private static void checkBlockSize(final int size)
    {
        if (size < 0 || size > MAX_BLOCK)
        {
            throw new IllegalArgumentException("a LockMap block of " + size + " bytes: blocks are 0 bytes to 1 GiB");
        }
    }

    private int allocateFromTop(final int blockSize)
    {
        final long top = UnsafeApi.getLong(headerAddress + ShardLayout.TOP);
        long start = top;
        int chunk = chunkOf(top);
        while (start + blockSize > chunkEnd(chunk))
        {
            chunk++;
            if (chunk >= MAX_CHUNKS || chunkStart(chunk) + blockSize > SPACE_END)
            {
                throw new IllegalStateException(
                    "a LockMap shard is full: 32 GiB per shard; build the map with more shards()");
            }
            start = chunkStart(chunk);
        }
        if (chunkDelta[chunk] == 0)
        {
            reserveChunk(chunk);
        }
        if (start != top && chunkDelta[chunkOf(top)] != 0)
        {
            // The rest of the chunk that holds top goes to the free lists. When top sits exactly on the
            // start of a chunk that was never reserved there is no tail to keep (and no memory to write).
            freeRange(top, chunkEnd(chunkOf(top)));
        }
        UnsafeApi.putLong(headerAddress + ShardLayout.TOP, start + blockSize);
        return (int)(start >>> 3);
    }

    /**
     * Returns a block to its free list.
     *
     * @param ref  the block.
     * @param size the size it was allocated with.
     */
    public void free(final int ref, final int size)
    {
        final long offset = offset(ref);
        freeRange(offset, offset + classSize(sizeClass(size), size));
    }

    /**
     * @param ref a ref, or a size in 8-byte units.
     * @return its offset in the shard's space, or the size in bytes.
     */
    private static long offset(final int ref)
    {
        return (ref & 0xFFFF_FFFFL) << 3;
    }

    /**
     * Frees an entry, keeping it an entry: its lock word stays {@link EntryLayout#DEAD} and the list's link
     * goes in its owner field, on a list of freed entries per size class, so that a thread that CASes the
     * lock word of an entry it found without the shard lock never writes into a block that has become
     * something else (a value, a table). {@link #allocateEntry} takes it back first. The price: a block once
     * an entry never holds a value, however the mix of keys and values changes.
     *
     * @param ref  the entry, its lock word already {@link EntryLayout#DEAD}.
     * @param size the size it was allocated with.
     */
    public void freeEntry(final int ref, final int size)
    {
        final long head = entryListHead(size);
        UnsafeApi.putInt(address(ref) + EntryLayout.OWNER, UnsafeApi.getInt(head));
        UnsafeApi.putInt(head, ref);
    }

    /**
     * A block for an entry: a freed entry of the same size class if there is one, else a new block.
     *
     * @param size the entry's size.
     * @return the block's ref; a reused entry's lock word is {@link EntryLayout#DEAD}.
     */
    public int allocateEntry(final int size)
    {
        final long head = entryListHead(size);
        final int ref = UnsafeApi.getInt(head);
        if (ref == 0)
        {
            return allocate(size);
        }
        UnsafeApi.putInt(head, UnsafeApi.getInt(address(ref) + EntryLayout.OWNER));
        return ref;
    }

    private long entryListHead(final int size)
    {
        return headerAddress + ShardLayout.ENTRY_FREE_LISTS + (long)sizeClass(size) * Integer.BYTES;
    }

    /**
     * @return bytes handed out from the shard's space so far: freed blocks are not subtracted, nor the
     *         unused tails of chunks skipped; what {@link #reservedBytes()} holds beyond it was never touched.
     */
    public long topBytes()
    {
        return UnsafeApi.getLong(headerAddress + ShardLayout.TOP);
    }

    /**
     * @return bytes reserved from the operating system for this shard.
     */
    public long reservedBytes()
    {
        // Volatile read: a current count for nativeMemoryBytes() without the shard lock; orders nothing else.
        return reservedBytes;
    }

    /**
     * Gives back to the operating system the whole pages of a block that will never be allocated again
     * (a retired {@link CellTable}). The pages stay mapped and read as zeros afterwards, so a thread
     * holding a stale ref into them reads no garbage.
     *
     * @param address the start of the range, inside a block.
     * @param length  its length in bytes.
     */
    public void discard(final long address, final long length)
    {
        AnonymousMemory.discard(address, length);
    }


    /**
     * For tests that measure what the operating system holds for the shard.
     *
     * @return the reserved chunks: address, then size in bytes, for each.
     */
    long[] chunks()
    {
        final java.util.List<Long> chunks = new java.util.ArrayList<>();
        for (int chunk = 0; chunk < MAX_CHUNKS; chunk++)
        {
            if (chunkDelta[chunk] != 0)
            {
                chunks.add(chunkDelta[chunk] + chunkStart(chunk));
                chunks.add(chunkEnd(chunk) - chunkStart(chunk));
            }
        }
        return chunks.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Frees every chunk. Threads that touch the shard lock afterwards get an {@link IllegalStateException}.
     */
    public void release()
    {
        // Volatile write: statistics only, so that nativeMemoryBytes() reads 0 after the release.
        reservedBytes = 0;
        arena.close();
    }

    private long freeListHead(final int sizeClass)
    {
        return headerAddress + ShardLayout.FREE_LISTS + (long)sizeClass * Integer.BYTES;
    }

    private void pushFree(final int ref, final int sizeClass)
    {
        final long headAddress = freeListHead(sizeClass);
        UnsafeApi.putInt(address(ref), UnsafeApi.getInt(headAddress));
        UnsafeApi.putInt(headAddress, ref);
    }

    /**
     * Frees a block of more than {@link ShardLayout#SMALL_LIMIT} bytes onto the list of the largest
     * class it can hold, its size recorded in its second int.
     */
    private void pushLarge(final int ref, final long bytes)
    {
        // The class of 2^k bytes, k = floor(log2(bytes)), at least FIRST_LARGE_CLASS (2^11).
        final int sizeClass = ShardLayout.SMALL_LIMIT / 8 + (63 - Long.numberOfLeadingZeros(bytes)) - 10;
        pushFree(ref, sizeClass);
        UnsafeApi.putInt(address(ref) + Integer.BYTES, (int)(bytes >>> 3));
        final long mask = headerAddress + ShardLayout.LARGE_FREE_MASK;
        UnsafeApi.putInt(mask, UnsafeApi.getInt(mask) | 1 << (sizeClass - ShardLayout.FIRST_LARGE_CLASS));
    }

    /** Unlinks {@code head}, the first block of {@code sizeClass}'s free list, which the caller read. */
    private void popFree(final int sizeClass, final int head)
    {
        final int next = UnsafeApi.getInt(address(head));
        UnsafeApi.putInt(freeListHead(sizeClass), next);
        if (next == 0 && sizeClass >= ShardLayout.FIRST_LARGE_CLASS)
        {
            final long mask = headerAddress + ShardLayout.LARGE_FREE_MASK;
            UnsafeApi.putInt(mask, UnsafeApi.getInt(mask) & ~(1 << (sizeClass - ShardLayout.FIRST_LARGE_CLASS)));
        }
    }

    /**
     * Frees the bytes {@code [from, to)} of one chunk: as few blocks as fit, each at most
     * {@link #MAX_BLOCK}, on the list of the largest class it can hold (a run of 1 to 2 KiB as 1 KiB
     * and the exact rest).
     */
    private void freeRange(final long from, final long to)
    {
        long offset = from;
        while (to - offset >= 8)
        {
            final long remaining = (to - offset) & ~7L;
            final long size = remaining <= ShardLayout.SMALL_LIMIT ? remaining :
                remaining < 2 * ShardLayout.SMALL_LIMIT ? ShardLayout.SMALL_LIMIT : Math.min(remaining, MAX_BLOCK);
            if (size <= ShardLayout.SMALL_LIMIT)
            {
                pushFree((int)(offset >>> 3), sizeClass((int)size));
            }
            else
            {
                pushLarge((int)(offset >>> 3), size);
            }
            offset += size;
        }
    }

    private MemorySegment reserveChunk(final int chunk)
    {
        final long size = chunkEnd(chunk) - chunkStart(chunk);
        if (TestHooks.ENABLED)
        {
            TestHooks.beforeReserve(size);
        }
        final MemorySegment segment = AnonymousMemory.reserve(arena, size);
        chunkDelta[chunk] = segment.address() - chunkStart(chunk);
        // Volatile read and write, not atomic: writers hold the shard lock; volatile only for lock-free readers.
        reservedBytes += size;
        return segment;
    }

    /**
     * With {@code 2^s <= C < 2^(s+1)}, an offset in chunk k has its highest bit above bit s at k or k + 1
     * (chunk 0: at 0 or 1); the chunk's start tells which.
     */
    private int chunkOf(final long offset)
    {
        final int chunk = 64 - Long.numberOfLeadingZeros(offset >>> chunkShift);
        return offset < chunkStart[chunk] ? chunk - 1 : chunk;
    }

    private long chunkStart(final int chunk)
    {
        return chunkStart[chunk];
    }

    private long chunkEnd(final int chunk)
    {
        return chunkStart[chunk + 1];
    }

    static int sizeClass(final int size)
    {
        if (size <= ShardLayout.SMALL_LIMIT)
        {
            return (Math.max(size, 8) + 7) >>> 3;
        }
        return ShardLayout.SMALL_LIMIT / 8 + (32 - Integer.numberOfLeadingZeros(size - 1)) - 10;
    }

    static int classSize(final int sizeClass, final int size)
    {
        if (size <= ShardLayout.SMALL_LIMIT)
        {
            return sizeClass << 3;
        }
        return 1 << (sizeClass - ShardLayout.SMALL_LIMIT / 8 + 10);
    }
}
