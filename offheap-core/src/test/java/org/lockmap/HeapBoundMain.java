package org.lockmap;

import org.lockmap.serialization.Serializers;

/**
 * Run in a child JVM by {@link HeapIndependenceTest} with a tiny heap: puts five million entries and
 * prints the size. It exits non-zero (OutOfMemoryError) if the map keeps per-entry objects on the heap.
 */
public final class HeapBoundMain
{
    private HeapBoundMain()
    {
    }

    /**
     * @param args the entry count, optionally.
     */
    public static void main(final String[] args)
    {
        final long entries = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(1_000)
            .build())
        {
            for (long k = 0; k < entries; k++)
            {
                map.set(k, -k);
            }
            for (long k = 0; k < entries; k += 997)
            {
                if (map.get(k) != -k)
                {
                    throw new AssertionError("key " + k + " read back wrong");
                }
            }
            System.gc();
            final Runtime rt = Runtime.getRuntime();
            System.out.println("size=" + map.size());
            System.out.println("heapUsed=" + (rt.totalMemory() - rt.freeMemory()) + " nativeBytes=" + map.nativeMemoryBytes());
        }
    }
}
