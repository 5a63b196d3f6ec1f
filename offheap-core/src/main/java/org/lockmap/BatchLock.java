package org.lockmap;

/**
 * Several keys held at once by one caller, taken all or nothing by {@link LockMap#lockAll} in one global
 * order, so that any number of concurrent {@code lockAll} callers never deadlock.
 *
 * <p>Thread-safety: like {@link LockedEntry}, a batch belongs to the thread that took it.
 * Iteration visits each distinct key once, in lock order.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public interface BatchLock<K, V> extends AutoCloseable, Iterable<LockedEntry<K, V>>
{
    /**
     * @param key one of the batch's keys.
     * @return the held entry for that key.
     * @throws IllegalArgumentException if the key is not in the batch.
     */
    LockedEntry<K, V> get(K key);

    /**
     * @return the number of distinct keys held.
     */
    int size();

    /**
     * Publishes every entry's last change and releases all the keys. Idempotent.
     */
    @Override
    void close();
}
