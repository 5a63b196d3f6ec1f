package org.lockmap.support;

import org.lockmap.LockMap;
import org.lockmap.serialization.Serializers;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One small Long to Long map alive at a time, for test frameworks (Lincheck) that build a new test
 * instance per scenario and never close it: each new map closes the previous one.
 */
public final class LiveMap
{
    private final AtomicReference<LockMap<Long, Long>> last = new AtomicReference<>();

    /**
     * @return a new one-shard map; the previous one is closed.
     */
    public LockMap<Long, Long> next()
    {
        final LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(8).shards(1).build();
        final LockMap<Long, Long> previous = last.getAndSet(map);
        if (previous != null)
        {
            previous.close();
        }
        return map;
    }

    /**
     * Closes the last map, if any.
     */
    public void closeLast()
    {
        final LockMap<Long, Long> map = last.getAndSet(null);
        if (map != null)
        {
            map.close();
        }
    }
}
