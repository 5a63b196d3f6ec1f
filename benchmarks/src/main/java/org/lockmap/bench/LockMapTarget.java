package org.lockmap.bench;

import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;
import java.util.Map;

/**
 * LockMap with {@code Long} values (8 bytes, fixed size), in anonymous native memory.
 */
final class LockMapTarget<K> extends BenchMap<K>
{
    private final LockMap<K, Long> map;

    LockMapTarget(final int entries, final KeyKind<K> keys)
    {
        map = LockMap.builder(keys.serializer(), Serializers.longs())
            .expectedEntries(entries)
            .averageKeySize(keys.averageSize())
            .averageValueSize(Long.BYTES)
            .build();
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
        map.set(key, value);
    }

    @Override
    public void increment(final K key)
    {
        try (LockedEntry<K, Long> e = map.lock(key))
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
    protected Map<K, Long> asMap()
    {
        return map;
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
