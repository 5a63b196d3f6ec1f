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
        // Duplicates are neighbours now: keep the first of each run, compacting in place.
        int distinct = 0;
        for (int i = 0; i < ordered.size(); i++)
        {
            if (distinct == 0 || ordered.get(distinct - 1).compareTo(ordered.get(i)) != 0)
            {
                ordered.set(distinct++, ordered.get(i));
            }
        }
        ordered.subList(distinct, ordered.size()).clear();
        return ordered;
    }

    /**
     * Finds serialized key bytes in keys sorted by {@link #order}, by binary search in that order.
     *
     * @param ordered keys as {@link #order} returns them.
     * @param bytes   the key's bytes, from index 0.
     * @param length  how many.
     * @param hash    the key's hash.
     * @return the key's index in {@code ordered}, or -1.
     */
    static int indexOf(final List<? extends BatchKey<?>> ordered, final byte[] bytes, final int length, final long hash)
    {
        int low = 0;
        int high = ordered.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final BatchKey<?> key = ordered.get(mid);
            final int order = compare(key.hash, key.bytes, key.bytes.length, hash, bytes, length);
            if (order == 0)
            {
                return mid;
            }
            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return -1;
    }

    public int compareTo(final BatchKey<K> other)
    {
        return compare(hash, bytes, bytes.length, other.hash, other.bytes, other.bytes.length);
    }

    /** The lock order, for both the sort and the search: hash unsigned, then bytes unsigned, a prefix first. */
    private static int compare(
        final long hashA, final byte[] a, final int lengthA, final long hashB, final byte[] b, final int lengthB)
    {
        final int byHash = Long.compareUnsigned(hashA, hashB);
        return byHash != 0 ? byHash : Arrays.compareUnsigned(a, 0, lengthA, b, 0, lengthB);
    }
}
