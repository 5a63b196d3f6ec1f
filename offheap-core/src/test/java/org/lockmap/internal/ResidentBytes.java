package org.lockmap.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * How many bytes of a shard's chunks the operating system holds in memory ({@code mincore}), page by page:
 * what a map costs, where the bytes it handed out also count tails it skipped and never touched, and
 * pages it gave back.
 */
final class ResidentBytes
{
    private static final long PAGE = 4096;
    private static final MethodHandle MINCORE = Linker.nativeLinker().downcallHandle(
        Linker.nativeLinker().defaultLookup().find("mincore").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

    private ResidentBytes()
    {
    }

    /**
     * @param shard a shard of an open map.
     * @return its resident bytes.
     */
    static long of(final Shard shard)
    {
        final long[] chunks = shard.memory().chunks();
        long resident = 0;
        for (int c = 0; c < chunks.length; c += 2)
        {
            resident += of(chunks[c], chunks[c + 1]);
        }
        return resident;
    }

    private static long of(final long address, final long size)
    {
        final long pages = (size + PAGE - 1) / PAGE;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment vector = arena.allocate(pages);
            final int result = (int)MINCORE.invokeExact(address, size, vector);
            if (result != 0)
            {
                throw new IllegalStateException("mincore failed: " + result);
            }
            long resident = 0;
            for (long p = 0; p < pages; p++)
            {
                resident += (vector.get(ValueLayout.JAVA_BYTE, p) & 1) * PAGE;
            }
            return resident;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }
}
