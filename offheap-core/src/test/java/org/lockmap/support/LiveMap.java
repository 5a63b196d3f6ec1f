package org.lockmap.support;

import org.lockmap.LockMap;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.Serializers;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One small map with {@code Long} values alive at a time, for test frameworks (Lincheck) that build a new
 * test instance per scenario and never close it: each new map closes the previous one.
 */
public final class LiveMap
{
    private final AtomicReference<LockMap<?, Long>> last = new AtomicReference<>();

    /**
     * @return a new one-shard {@code Long -> Long} map; the previous one is closed.
     */
    public LockMap<Long, Long> next()
    {
        return next(Serializers.longs());
    }

    /**
     * @param keys the key serializer.
     * @param <K>  the key type.
     * @return a new one-shard map; the previous one is closed.
     */
    public <K> LockMap<K, Long> next(final Serializer<K> keys)
    {
        final LockMap<K, Long> map = LockMap.builder(keys, Serializers.longs()).expectedEntries(8).shards(1).build();
        final LockMap<?, Long> previous = last.getAndSet(map);
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
        final LockMap<?, Long> map = last.getAndSet(null);
        if (map != null)
        {
            map.close();
        }
    }
}
