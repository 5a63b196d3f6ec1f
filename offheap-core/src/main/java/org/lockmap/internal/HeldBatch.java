package org.lockmap.internal;

import org.lockmap.BatchLock;
import org.lockmap.LockedEntry;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The keys of one {@code lockAll}, held in lock order and released in reverse.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class HeldBatch<K, V> implements BatchLock<K, V>
{
    private final OffHeapLockMap<K, V> map;
    private final List<BatchKey<K>> keys;
    private final List<HeldEntry<K, V>> entries;
    private boolean closed;

    HeldBatch(final OffHeapLockMap<K, V> map, final List<BatchKey<K>> keys, final List<HeldEntry<K, V>> entries)
    {
        this.map = map;
        this.keys = keys;
        this.entries = entries;
    }

    /**
     * Closes entries in reverse order, every one of them even if some throw.
     *
     * @param entries the entries.
     * @param failure an earlier failure, or null.
     * @param <K>     the key type.
     * @param <V>     the value type.
     * @return the first failure with the later ones suppressed, or null.
     */
    static <K, V> Throwable closeAll(final List<HeldEntry<K, V>> entries, final Throwable failure)
    {
        Throwable result = failure;
        for (int i = entries.size() - 1; i >= 0; i--)
        {
            try
            {
                entries.get(i).close();
            }
            catch (final Throwable ex)
            {
                result = chain(result, ex);
            }
        }
        return result;
    }

    private static Throwable chain(final Throwable first, final Throwable next)
    {
        if (first == null)
        {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    public LockedEntry<K, V> get(final K key)
    {
        if (closed)
        {
            throw new IllegalStateException("this BatchLock is closed");
        }
        // The keys are in lock order, which is a sort order: a binary search, comparing in the scratch.
        final Scratch scratch = map.keyScratch(key);
        final int index = BatchKey.indexOf(keys, scratch.key.byteArray(), scratch.keyLength, scratch.keyHash);
        if (index < 0)
        {
            throw new IllegalArgumentException("the key " + key + " is not in this BatchLock");
        }
        return entries.get(index);
    }

    public int size()
    {
        return entries.size();
    }

    public Iterator<LockedEntry<K, V>> iterator()
    {
        return Collections.<LockedEntry<K, V>>unmodifiableList(entries).iterator();
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        // Before any change: another thread's close must leave the whole batch as it is, still held.
        for (final HeldEntry<K, V> entry : entries)
        {
            entry.checkClosingThread();
        }
        closed = true;
        Throwable failure = null;
        // Publish every key's change before releasing any: whoever takes a released key next sees the whole batch.
        for (final HeldEntry<K, V> entry : entries)
        {
            try
            {
                entry.publish();
            }
            catch (final Throwable ex)
            {
                failure = chain(failure, ex);
            }
        }
        failure = closeAll(entries, failure);
        if (failure instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (failure != null)
        {
            throw (Error)failure;
        }
    }
}
