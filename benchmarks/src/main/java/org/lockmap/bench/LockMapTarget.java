package org.lockmap.bench;

import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;

/**
 * LockMap with {@code Long} keys and values (8 bytes each, fixed size), in anonymous native memory.
 */
final class LockMapTarget extends BenchMap
{
    private final LockMap<Long, Long> map;

    LockMapTarget(final int entries)
    {
        map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(entries)
            .averageKeySize(Long.BYTES)
            .averageValueSize(Long.BYTES)
            .build();
    }

    @Override
    public Long get(final Long key)
    {
        return map.get(key);
    }

    @Override
    public Long put(final Long key, final Long value)
    {
        return map.put(key, value);
    }

    @Override
    public void set(final Long key, final Long value)
    {
        map.set(key, value);
    }

    @Override
    public void increment(final Long key)
    {
        try (LockedEntry<Long, Long> e = map.lock(key))
        {
            e.put(e.get() + 1);
        }
    }

    @Override
    public long size()
    {
        return map.sizeLong();
    }

    @Override
    public long offHeapBytes()
    {
        return map.nativeMemoryBytes();
    }

    @Override
    public void close()
    {
        map.close();
    }
}
