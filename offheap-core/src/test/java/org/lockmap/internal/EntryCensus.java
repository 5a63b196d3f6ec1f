package org.lockmap.internal;

import org.lockmap.LockMap;

/**
 * For tests outside this package: how many entries a map's tables hold, placeholders included, which
 * {@code size()} cannot see.
 */
public final class EntryCensus
{
    private EntryCensus()
    {
    }

    /**
     * @param map a map whose entries live in {@link CellTable}s (fixed-size keys and values).
     * @return its entries: live cells in place, and forwarders (each names one entry: kept in an older
     *         table, or displaced in this one, where the displaced cell itself is not counted again).
     * @throws IllegalArgumentException if the map keeps its entries apart from a table of slots.
     */
    public static long entries(final LockMap<?, ?> map)
    {
        long entries = 0;
        for (final Shard shard : ((OffHeapLockMap<?, ?>)map).shards())
        {
            final int[] census = shard.cellCensus();
            if (census == null)
            {
                throw new IllegalArgumentException("not a map of cells");
            }
            entries += census[0] + census[2];
        }
        return entries;
    }
}
