package org.lockmap.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * One key of a {@code lockAll} call, with its serialized bytes and hash, in the global lock order:
 * hash (unsigned), then bytes (unsigned lexicographic). The order depends only on the bytes, so it is the
 * same in every thread and every process; keys with equal bytes collapse to the first one.
 *
 * @param key   the key as the caller gave it.
 * @param bytes its serialized bytes.
 * @param hash  its hash.
 * @param <K>   the key type.
 */
record BatchKey<K>(K key, byte[] bytes, long hash) implements Comparable<BatchKey<K>>
{
    static <K> List<BatchKey<K>> order(final Collection<? extends K> keys, final OffHeapLockMap<K, ?> map)
    {
        final List<BatchKey<K>> ordered = new ArrayList<>(keys.size());
        for (final K key : keys)
        {
            final Scratch scratch = map.keyScratch(key);
            ordered.add(new BatchKey<>(key, Arrays.copyOf(scratch.key.byteArray(), scratch.keyLength), scratch.keyHash));
        }
        ordered.sort(null);
        final List<BatchKey<K>> distinct = new ArrayList<>(ordered.size());
        for (final BatchKey<K> key : ordered)
        {
            if (distinct.isEmpty() || distinct.getLast().compareTo(key) != 0)
            {
                distinct.add(key);
            }
        }
        return distinct;
    }

    public int compareTo(final BatchKey<K> other)
    {
        final int byHash = Long.compareUnsigned(hash, other.hash);
        return byHash != 0 ? byHash : Arrays.compareUnsigned(bytes, other.bytes);
    }
}
