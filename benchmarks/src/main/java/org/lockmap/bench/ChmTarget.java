package org.lockmap.bench;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ConcurrentHashMap}, presized, for reference: on heap, no serialization, no per-key lock API.
 */
final class ChmTarget extends BenchMap
{
    private final ConcurrentHashMap<Long, Long> map;

    ChmTarget(final int entries)
    {
        map = new ConcurrentHashMap<>(entries);
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
        map.put(key, value);
    }

    @Override
    public void increment(final Long key)
    {
        // The idiomatic atomic read-modify-write of a CHM: the bin is locked while the function runs.
        map.merge(key, 1L, Long::sum);
    }

    @Override
    public long size()
    {
        return map.mappingCount();
    }

    @Override
    public long offHeapBytes()
    {
        return -1;
    }

    @Override
    public void close()
    {
        map.clear();
    }
}
