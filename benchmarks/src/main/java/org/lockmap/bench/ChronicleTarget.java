package org.lockmap.bench;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import java.util.Map;

/**
 * Chronicle Map with {@code Long} values, in anonymous off-heap memory (not persisted), sized for the
 * benchmark's entries (and, for variable-size keys, their average size).
 */
final class ChronicleTarget<K> extends BenchMap<K>
{
    private final ChronicleMap<K, Long> map;

    ChronicleTarget(final int entries, final boolean putReturnsNull, final KeyKind<K> keys)
    {
        final ChronicleMapBuilder<K, Long> builder = ChronicleMap.of(keys.type(), Long.class)
            .name("bench")
            .entries(entries)
            .putReturnsNull(putReturnsNull);
        if (!keys.fixedSize())
        {
            builder.averageKeySize(keys.averageSize());
        }
        map = builder.create();
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
        // With putReturnsNull(true) (the set benchmark builds the map so) put does not read the old value.
        map.put(key, value);
    }

    @Override
    public void increment(final K key)
    {
        // Chronicle Map's documented idiom for a locked read-modify-write: a query context, the segment's
        // update lock, then replace the entry's value (or insert it when absent).
        try (ExternalMapQueryContext<K, Long, ?> c = map.queryContext(key))
        {
            c.updateLock().lock();
            final MapEntry<K, Long> e = c.entry();
            if (e != null)
            {
                c.replaceValue(e, c.wrapValueAsData(e.value().get() + 1));
            }
            else
            {
                c.insert(c.absentEntry(), c.wrapValueAsData(1L));
            }
        }
    }

    @Override
    public long size()
    {
        return map.longSize();
    }

    @Override
    protected Map<K, Long> asMap()
    {
        return map;
    }

    @Override
    public long offHeapBytes()
    {
        return map.offHeapMemoryUsed();
    }

    @Override
    public void close()
    {
        map.close();
    }
}
