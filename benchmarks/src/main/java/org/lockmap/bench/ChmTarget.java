package org.lockmap.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ConcurrentHashMap}, presized, for reference: on heap, no serialization, no per-key lock API.
 */
final class ChmTarget<K> extends BenchMap<K>
{
    private final ConcurrentHashMap<K, Long> map;

    ChmTarget(final int entries)
    {
        map = new ConcurrentHashMap<>(entries);
    }

    @Override
    public Long get(final K key)
    {
        return map.get(key);
    }

    @Override
    public Long put(final K key, final Long value)
    {
        return map.put(key, value);
    }

    @Override
    public void set(final K key, final Long value)
    {
        map.put(key, value);
    }

    @Override
    public void increment(final K key)
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
    protected Map<K, Long> asMap()
    {
        return map;
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
