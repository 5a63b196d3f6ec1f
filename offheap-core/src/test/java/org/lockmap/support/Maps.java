package org.lockmap.support;

import org.lockmap.LockMap;
import org.lockmap.serialization.Serializers;

/**
 * The maps the tests build.
 */
public final class Maps
{
    private Maps()
    {
    }

    /**
     * @return a small Long to Long map with the default shards.
     */
    public static LockMap<Long, Long> longs()
    {
        return LockMap.builder(Serializers.longs(), Serializers.longs()).expectedEntries(1024).build();
    }

    /**
     * @return a Long to String map.
     */
    public static LockMap<Long, String> longToString()
    {
        return LockMap.builder(Serializers.longs(), Serializers.strings()).expectedEntries(1024).build();
    }

    /**
     * @return a String to String map.
     */
    public static LockMap<String, String> strings()
    {
        return LockMap.builder(Serializers.strings(), Serializers.strings()).expectedEntries(1024).build();
    }
}
