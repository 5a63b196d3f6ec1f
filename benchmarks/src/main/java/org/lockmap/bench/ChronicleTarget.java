package org.lockmap.bench;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Chronicle Map with {@code Long} keys and values, in anonymous off-heap memory (not persisted), sized
 * for the benchmark's entries.
 */
final class ChronicleTarget extends BenchMap
{
    private final ChronicleMap<Long, Long> map;

    ChronicleTarget(final int entries, final boolean putReturnsNull)
    {
        map = ChronicleMap.of(Long.class, Long.class)
            .name("bench")
            .entries(entries)
            .putReturnsNull(putReturnsNull)
            .create();
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
        // With putReturnsNull(true) (the set benchmark builds the map so) put does not read the old value.
        map.put(key, value);
    }

    @Override
    public void increment(final Long key)
    {
        // Chronicle Map's documented idiom for a locked read-modify-write: a query context, the segment's
        // update lock, then replace the entry's value (or insert it when absent).
        try (ExternalMapQueryContext<Long, Long, ?> c = map.queryContext(key))
        {
            c.updateLock().lock();
            final MapEntry<Long, Long> e = c.entry();
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
