package org.lockmap.internal;

import org.lockmap.LockMap;

/** Placeholder while the implementation lands. */
public abstract class OffHeapLockMap<K, V> implements LockMap<K, V>
{
    public static <K, V> LockMap<K, V> create(final MapConfig<K, V> config)
    {
        throw new UnsupportedOperationException("not yet");
    }
}
