package org.lockmap;

import org.lockmap.serialization.Serializers;

import java.util.Map;

/**
 * Run in a child JVM by {@link HeapIndependenceTest} with a tiny heap: puts five million entries, iterates
 * over them, and prints the size and what the iteration saw. It exits non-zero (OutOfMemoryError) if the
 * map keeps per-entry objects on the heap, or if iteration copies more than a batch of keys at a time.
 */
public final class HeapBoundMain
{
    private HeapBoundMain()
    {
    }

    /**
     * @param args the entry count, then optionally the shard count.
     */
    public static void main(final String[] args)
    {
        final long entries = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
        final LockMapBuilder<Long, Long> builder = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(1_000);
        if (args.length > 1)
        {
            builder.shards(Integer.parseInt(args[1]));
        }
        try (LockMap<Long, Long> map = builder.build())
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
            long iterated = 0;
            long keySum = 0;
            long mismatched = 0;
            for (final Map.Entry<Long, Long> entry : map.entrySet())
            {
                iterated++;
                keySum += entry.getKey();
                mismatched += entry.getValue() == -entry.getKey() ? 0 : 1;
            }
            System.out.println("iterated=" + iterated + " keySum=" + keySum + " mismatched=" + mismatched);
            System.gc();
            final Runtime rt = Runtime.getRuntime();
            System.out.println("size=" + map.size());
            System.out.println("heapUsed=" + (rt.totalMemory() - rt.freeMemory()) + " nativeBytes=" + map.nativeMemoryBytes());
        }
    }
}
