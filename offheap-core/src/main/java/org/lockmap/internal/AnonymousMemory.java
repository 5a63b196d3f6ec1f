package org.lockmap.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Anonymous native memory for shard chunks, from {@code mmap} rather than {@code malloc}: pages are
 * zero and reserved lazily by the kernel (no up-front zeroing, no resident memory until used), and
 * chunks of 2 MiB or more ask for transparent huge pages ({@code madvise(MADV_HUGEPAGE)}) for the
 * aligned 2 MiB runs inside them. Not more than that: with chunks aligned to 2 MiB so that all 40 MiB
 * of a 1M-entry map were huge pages, random gets and locked increments ran no faster, with either key
 * harness (benchmarks/HISTORY.md, "What bounds a locked read-modify-write"; README, "The report with
 * both key harnesses"), and a map whose chunks are below 2 MiB (1M entries over 32 shards) would pay
 * for the alignment with memory. Falls back to {@link Arena#allocate} where {@code mmap} is not found.
 */
final class AnonymousMemory
{
    private static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_DONTNEED = 4;
    /** The page size ({@code getpagesize()}), or 0 if unknown: then {@link #discard} gives nothing back. */
    private static final long PAGE;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;

    static
    {
        final Linker linker = Linker.nativeLinker();
        final SymbolLookup libc = linker.defaultLookup();
        final boolean linux = System.getProperty("os.name", "").toLowerCase().contains("linux");
        MMAP = linux ? libc.find("mmap").map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG))).orElse(null) : null;
        MUNMAP = linux ? libc.find("munmap").map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG))).orElse(null) : null;
        PAGE = linux ? pageSize(linker, libc) : 0;
        MADVISE = linux ? libc.find("madvise").map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))).orElse(null) : null;
    }

    private AnonymousMemory()
    {
    }

    private static long pageSize(final Linker linker, final SymbolLookup libc)
    {
        try
        {
            final MethodHandle getPageSize = libc.find("getpagesize").map(symbol ->
                linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT))).orElse(null);
            final long size = getPageSize == null ? 0 : (int)getPageSize.invokeExact();
            // Only a power of two is a page size the rounding in discard() can use.
            return size > 0 && Long.bitCount(size) == 1 ? size : 0;
        }
        catch (final Throwable ex)
        {
            return 0;
        }
    }

    /**
     * Reserves zeroed memory that the arena unmaps when it closes.
     *
     * @param arena the owner.
     * @param size  bytes, a multiple of the page size.
     * @return the memory, 64-byte aligned at least.
     */
    static MemorySegment reserve(final Arena arena, final long size)
    {
        if (MMAP == null || MUNMAP == null)
        {
            return arena.allocate(size, 64);
        }
        final long address;
        try
        {
            address = (long)MMAP.invokeExact(0L, size, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (address != -1L && size >= HUGE_PAGE && MADVISE != null)
            {
                final int ignored = (int)MADVISE.invokeExact(address, size, MADV_HUGEPAGE);
            }
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("mmap of " + size + " bytes failed", ex);
        }
        if (address == -1L)
        {
            throw new OutOfMemoryError("LockMap could not reserve " + size + " bytes of native memory (mmap failed)");
        }
        return MemorySegment.ofAddress(address).reinterpret(size, arena, segment -> unmap(segment.address(), size));
    }

    /**
     * Gives the pages wholly inside {@code [address, address + length)} back to the operating system
     * ({@code madvise(MADV_DONTNEED)}): they stay mapped, and read as zeros when next touched.
     *
     * @param address the range's start.
     * @param length  its length in bytes.
     * @return the bytes given back: 0 where madvise is unavailable or fails, or the range holds no whole page.
     */
    static long discard(final long address, final long length)
    {
        if (MADVISE == null || PAGE == 0)
        {
            return 0;
        }
        // Whole pages only: madvise rounds a length up, and the bytes past the range belong to others.
        final long start = (address + PAGE - 1) & -PAGE;
        final long end = (address + length) & -PAGE;
        if (end <= start)
        {
            return 0;
        }
        try
        {
            return (int)MADVISE.invokeExact(start, end - start, MADV_DONTNEED) == 0 ? end - start : 0;
        }
        catch (final Throwable ex)
        {
            return 0;
        }
    }

    private static void unmap(final long address, final long size)
    {
        try
        {
            final int ignored = (int)MUNMAP.invokeExact(address, size);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("munmap failed", ex);
        }
    }
}
