package org.lockmap;

import org.lockmap.serialization.Serializer;

import java.util.Collection;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConcurrentMap} whose entries live in native memory, sharded, where any key, present or
 * absent, can be locked for an atomic multi-step operation while other keys proceed in parallel.
 *
 * <h2>Keys and values</h2>
 * Keys and values are stored as bytes by their {@link Serializer}s: keys are equal when their bytes are
 * equal. Null keys and values are rejected with {@link NullPointerException}. A read returns a new
 * object decoded from the stored bytes; mutating it does not change the map.
 *
 * <h2>Atomicity and blocking</h2>
 * Every map operation is atomic per key. Operations that change a key ({@code put}, {@code remove},
 * {@code compute}, ...) wait while another owner holds that key. Reads ({@code get},
 * {@code containsKey}, iteration) never wait for a key's holder: they return the last value released,
 * never the holder's work in progress. A thread that calls a map operation ({@code get} and
 * {@code containsKey} included), {@link #lock}, {@link #tryLock} or {@link #lockAll} on a key it already
 * holds gets an {@link IllegalStateException} instead of a deadlock; its {@link LockedEntry} is the way
 * to that key. Operations on the whole map ({@code size()}, iteration, {@code equals}) see the key's
 * last released value; those that look up one key ({@code entrySet().contains}, and so another map's
 * {@code equals(thisMap)}) are reads of it, and throw. Shard locks are held only for short, bounded
 * work, never while a serializer or other user code runs; waiting threads spin briefly and then park
 * (virtual threads unmount).
 *
 * <h2>Iteration</h2>
 * Views and their iterators are weakly consistent, like {@link java.util.concurrent.ConcurrentHashMap}'s:
 * they never throw {@link java.util.ConcurrentModificationException}; an iterator copies about 64 keys
 * of one shard at a time (with their committed values, for the value and entry views), read without the
 * shard's lock as {@code get} reads (under it only for a batch that writers tore three times), so
 * iterating seldom makes a writer wait, and holds the heap for one batch;
 * every key present for the whole iteration is returned exactly once; removal through an iterator
 * removes the key it returned. Readers of several keys, including iteration and {@code size()}, may see a
 * {@code lockAll} batch's changes to different keys published one key at a time.
 *
 * <h2>Closing</h2>
 * {@link #close()} may run while other threads are mid-operation or hold entries: it never crashes the
 * JVM. Afterwards every operation throws {@link IllegalStateException}, and waiting threads wake with
 * one. Native memory is freed once the last held entry of a shard is closed.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public interface LockMap<K, V> extends ConcurrentMap<K, V>, AutoCloseable
{
    /**
     * Starts building a map.
     *
     * @param keySerializer   how keys are stored.
     * @param valueSerializer how values are stored.
     * @param <K>             the key type.
     * @param <V>             the value type.
     * @return a builder.
     */
    static <K, V> LockMapBuilder<K, V> builder(final Serializer<K> keySerializer, final Serializer<V> valueSerializer)
    {
        return new LockMapBuilder<>(keySerializer, valueSerializer);
    }

    /**
     * Blocks until the caller holds the key, present or absent. Not interruptible: an interrupt during
     * the wait is kept as the thread's interrupt status. See {@link #lockInterruptibly}.
     *
     * @param key the key.
     * @return the held entry; close it to release.
     * @throws IllegalStateException if the calling thread already holds the key, or the map is closed.
     */
    LockedEntry<K, V> lock(K key);

    /**
     * Blocks until the caller holds the key, or the thread is interrupted.
     *
     * @param key the key.
     * @return the held entry.
     * @throws InterruptedException if interrupted while waiting; nothing is held then.
     */
    LockedEntry<K, V> lockInterruptibly(K key) throws InterruptedException;

    /**
     * Takes the key only if no other owner holds it; never waits (beyond a shard's short critical section).
     *
     * @param key the key.
     * @return the held entry, or null if another owner holds the key. A thread that holds this key's word
     *         by mistake for an instant (locking another key without the shard lock, from a lookup that
     *         went stale) is waited for, up to about 20 µs; only if it is descheduled in that instant can
     *         this return null for a free key.
     */
    LockedEntry<K, V> tryLock(K key);

    /**
     * Waits up to the timeout for the key.
     *
     * @param key     the key.
     * @param timeout how long to wait at most.
     * @param unit    the timeout's unit.
     * @return the held entry, or null on timeout.
     * @throws InterruptedException if interrupted while waiting; nothing is held then.
     */
    LockedEntry<K, V> tryLock(K key, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Takes every key, in one global order (the key's 64-bit hash, unsigned, then its serialized bytes)
     * that is the same in every thread and process, so concurrent {@code lockAll} callers never deadlock.
     * Duplicates collapse. Not interruptible, like {@link #lock}; see {@link #tryLockAll}.
     *
     * @param keys the keys.
     * @return the batch; close it to release all.
     * @throws IllegalStateException if the calling thread already holds one of the keys.
     */
    BatchLock<K, V> lockAll(Collection<? extends K> keys);

    /**
     * Like {@link #lockAll} but gives up after the timeout, all or nothing.
     *
     * @param keys    the keys.
     * @param timeout how long to wait at most, in all.
     * @param unit    the timeout's unit.
     * @return the batch, or null on timeout, holding nothing.
     * @throws InterruptedException if interrupted while waiting; nothing is held then.
     */
    BatchLock<K, V> tryLockAll(Collection<? extends K> keys, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Sets a value without decoding the previous one: {@link #put} without its return value, and so
     * without its allocation.
     *
     * @param key   the key.
     * @param value the value.
     */
    void set(K key, V value);

    /**
     * Removes a key's value without decoding it.
     *
     * @param key the key.
     * @return true if there was a value.
     */
    boolean delete(K key);

    /**
     * Reads a value into a caller-supplied object where the value serializer supports reuse, so that
     * a reader that keeps one object allocates nothing per read.
     *
     * @param key   the key.
     * @param reuse the object to fill.
     * @return {@code reuse} filled (or a new object if the serializer does not reuse), or null if absent.
     */
    V getUsing(K key, V reuse);

    /**
     * @return the number of keys with a value, exact at the moment each shard is read.
     */
    long sizeLong();

    /**
     * Native memory the map has reserved from the operating system, in bytes.
     *
     * @return bytes of native memory in use.
     */
    long nativeMemoryBytes();

    /**
     * @return the key serializer.
     */
    Serializer<K> keySerializer();

    /**
     * @return the value serializer.
     */
    Serializer<V> valueSerializer();

    /**
     * @return true once {@link #close()} has been called.
     */
    boolean isClosed();

    /**
     * Closes the map; safe to call while other threads use it. Idempotent.
     */
    @Override
    void close();
}
