package org.lockmap.internal;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;

/**
 * The key, value and entry views of an {@link OffHeapLockMap}. Iteration is weakly consistent: it copies
 * a batch of one shard's entries at a time ({@link OffHeapLockMap#presentEntries}), without the shard's
 * lock if it can, and returns them as they were then: the keys, and for the value and entry views each
 * key's committed value, read in the same pass (a value over {@link EntryBatch#VALUE_BYTES_MAX} bytes is
 * looked up when its entry is reached instead, and skipped if its key was removed meanwhile). Every key
 * present for the whole iteration is returned exactly once, and no key twice. As {@code ConcurrentHashMap}'s, the views' spliterators are {@code CONCURRENT}
 * and not {@code SIZED} (a stream of a changing map must not expect the size it started with), and the
 * value and entry views' {@code removeIf} (and the value view's {@code remove}) removes an entry only if
 * it still has the value tested.
 */
final class MapViews
{
    private static final int CONCURRENT_COLLECTION = Spliterator.CONCURRENT | Spliterator.NONNULL;
    private static final int CONCURRENT_SET = CONCURRENT_COLLECTION | Spliterator.DISTINCT;

    private MapViews()
    {
    }

    /**
     * Removes each entry that matches, with {@code remove(key, value)}: an entry whose value another
     * thread changed after the test keeps its new value (the default {@code removeIf} would remove it
     * through {@code Iterator.remove}).
     */
    private static <K, V> boolean removeEntriesIf(
        final OffHeapLockMap<K, V> map, final Predicate<? super Map.Entry<K, V>> filter)
    {
        boolean removed = false;
        for (final Map.Entry<K, V> entry : map.entrySet())
        {
            if (filter.test(entry) && map.remove(entry.getKey(), entry.getValue()))
            {
                removed = true;
            }
        }
        return removed;
    }

    static final class KeySetView<K, V> extends AbstractSet<K>
    {
        private final OffHeapLockMap<K, V> map;

        KeySetView(final OffHeapLockMap<K, V> map)
        {
            this.map = map;
        }

        public Iterator<K> iterator()
        {
            return new ViewIterator<K, V, K>(map, false)
            {
                K element(final K key, final V value)
                {
                    return key;
                }
            };
        }

        public int size()
        {
            return map.size();
        }

        public boolean contains(final Object o)
        {
            return map.containsKey(o);
        }

        public Spliterator<K> spliterator()
        {
            return Spliterators.spliteratorUnknownSize(iterator(), CONCURRENT_SET);
        }

        @SuppressWarnings("unchecked")
        public boolean remove(final Object o)
        {
            return map.delete((K)o);
        }

        public void clear()
        {
            map.clear();
        }
    }

    static final class ValuesView<K, V> extends AbstractCollection<V>
    {
        private final OffHeapLockMap<K, V> map;

        ValuesView(final OffHeapLockMap<K, V> map)
        {
            this.map = map;
        }

        public Iterator<V> iterator()
        {
            return new ViewIterator<K, V, V>(map, true)
            {
                V element(final K key, final V value)
                {
                    return value;
                }
            };
        }

        public int size()
        {
            return map.size();
        }

        public boolean contains(final Object o)
        {
            return map.containsValue(o);
        }

        public boolean remove(final Object o)
        {
            if (o == null)
            {
                return false;
            }
            for (final Map.Entry<K, V> entry : map.entrySet())
            {
                if (o.equals(entry.getValue()) && map.remove(entry.getKey(), entry.getValue()))
                {
                    return true;
                }
            }
            return false;
        }

        public Spliterator<V> spliterator()
        {
            return Spliterators.spliteratorUnknownSize(iterator(), CONCURRENT_COLLECTION);
        }

        public boolean removeIf(final Predicate<? super V> filter)
        {
            Objects.requireNonNull(filter, "filter");
            return removeEntriesIf(map, entry -> filter.test(entry.getValue()));
        }

        public void clear()
        {
            map.clear();
        }
    }

    static final class EntrySetView<K, V> extends AbstractSet<Map.Entry<K, V>>
    {
        private final OffHeapLockMap<K, V> map;

        EntrySetView(final OffHeapLockMap<K, V> map)
        {
            this.map = map;
        }

        public Iterator<Map.Entry<K, V>> iterator()
        {
            return new ViewIterator<K, V, Map.Entry<K, V>>(map, true)
            {
                Map.Entry<K, V> element(final K key, final V value)
                {
                    return new MapEntry<>(map, key, value);
                }
            };
        }

        public int size()
        {
            return map.size();
        }

        public boolean contains(final Object o)
        {
            if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null)
            {
                return false;
            }
            final V value = map.get(e.getKey());
            return value != null && value.equals(e.getValue());
        }

        public boolean remove(final Object o)
        {
            return o instanceof Map.Entry<?, ?> e && e.getKey() != null && map.remove(e.getKey(), e.getValue());
        }

        public Spliterator<Map.Entry<K, V>> spliterator()
        {
            return Spliterators.spliteratorUnknownSize(iterator(), CONCURRENT_SET);
        }

        public boolean removeIf(final Predicate<? super Map.Entry<K, V>> filter)
        {
            Objects.requireNonNull(filter, "filter");
            return removeEntriesIf(map, filter);
        }

        public void clear()
        {
            map.clear();
        }
    }

    private static final class MapEntry<K, V> extends AbstractMap.SimpleEntry<K, V>
    {
        private static final long serialVersionUID = 1L;
        private final transient OffHeapLockMap<K, V> map;

        MapEntry(final OffHeapLockMap<K, V> map, final K key, final V value)
        {
            super(key, value);
            this.map = map;
        }

        public V setValue(final V value)
        {
            Objects.requireNonNull(value, "value");
            map.put(getKey(), value);
            return super.setValue(value);
        }
    }

    private abstract static class ViewIterator<K, V, T> implements Iterator<T>
    {
        private final OffHeapLockMap<K, V> map;
        private int nextShard;
        /** Where the current shard's next batch starts ({@link Shard#collectPresent}). */
        private long nextTag;
        private final EntryBatch batch;
        private int position;
        private T next;
        private K nextKey;
        private K lastKey;

        ViewIterator(final OffHeapLockMap<K, V> map, final boolean needsValue)
        {
            this.map = map;
            this.batch = new EntryBatch(needsValue);
        }

        abstract T element(K key, V value);

        public boolean hasNext()
        {
            while (next == null)
            {
                if (position < batch.size())
                {
                    final int i = position++;
                    final K key = map.decodeKey(batch, i);
                    final V value = batch.withValues() ? map.decodeValue(batch, i, key) : null;
                    if (!batch.withValues() || value != null)
                    {
                        next = element(key, value);
                        nextKey = key;
                    }
                }
                else if (nextShard < map.shards().length)
                {
                    batch.clear();
                    position = 0;
                    nextTag = map.presentEntries(map.shards()[nextShard], nextTag, batch);
                    if (nextTag == Shard.TAG_END)
                    {
                        nextShard++;
                        nextTag = 0;
                    }
                }
                else
                {
                    return false;
                }
            }
            return true;
        }

        public T next()
        {
            if (!hasNext())
            {
                throw new NoSuchElementException();
            }
            final T result = next;
            next = null;
            lastKey = nextKey;
            return result;
        }

        public void remove()
        {
            if (lastKey == null)
            {
                throw new IllegalStateException("next() has not returned an element to remove");
            }
            map.delete(lastKey);
            lastKey = null;
        }
    }
}
