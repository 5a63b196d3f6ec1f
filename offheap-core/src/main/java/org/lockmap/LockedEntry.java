package org.lockmap;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One key held exclusively by the caller, present in the map or not, until {@link #close()}.
 *
 * <p>Changes made through the entry ({@link #put}, {@link #remove}, {@link #putValueBytes}) are seen
 * by the holder at once and by everyone else when the entry is closed: a reader of the map sees the
 * value from before the critical section or the last one put in it, never one in between.
 * {@link #close()} publishes the last value put, even when the critical section ended with an
 * exception (no poisoning).
 *
 * <p>Thread-safety: an entry belongs to the thread that locked it and is used by that thread only;
 * {@link #close()} from another thread throws {@link IllegalStateException} and releases nothing, as
 * {@code ReentrantLock.unlock} does. Methods other than {@link #close()} throw
 * {@link IllegalStateException} once the entry is closed or its map is closed. No method waits for
 * another key holder; {@code put} of a variable-size value and {@link #putValueBytes} take the key's
 * shard lock for a moment, and so does {@link #close()}, except for a value of at most 8 bytes on a key
 * that has a value before and after the hold.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public interface LockedEntry<K, V> extends AutoCloseable
{
    /**
     * @return the key this entry holds.
     */
    K key();

    /**
     * @return the current value as this holder sees it, or null when absent.
     */
    V get();

    /**
     * @return true if the key has a value as this holder sees it.
     */
    boolean isPresent();

    /**
     * Sets the value, published to other readers when the entry is closed.
     *
     * @param value the new value, not null.
     * @return the previous value as this holder saw it, or null.
     * @throws IllegalArgumentException if the serialized value exceeds the map's size limit.
     */
    V put(V value);

    /**
     * Removes the value, published to other readers when the entry is closed.
     *
     * @return the previous value as this holder saw it, or null.
     */
    V remove();

    /**
     * Returns the value, first putting the supplier's value if absent: the load-once idiom.
     *
     * @param supplier called at most once, while the key is held, only if the key is absent.
     * @return the existing or new value.
     */
    V getOrPut(Supplier<? extends V> supplier);

    /**
     * The stored value's bytes, for an Agrona flyweight to wrap: read-only, valid until the next
     * change through this entry or its close, after which any access throws
     * {@link IndexOutOfBoundsException} (through Agrona's bounds checks, which are on unless the JVM runs
     * with {@code -Dagrona.disable.bounds.checks=true}; then a stale buffer must not be used at all).
     *
     * <p>The buffer may be over native memory or over a small heap array (a pending value of at most
     * 8 bytes is kept on the heap until close): use it through the {@code DirectBuffer} API, never
     * {@code addressOffset()} as a raw address.
     *
     * @return the value bytes, or null when absent.
     */
    DirectBuffer valueBytes();

    /**
     * Writes a new value of {@code length} bytes with no Java object in between (straight into native
     * memory; for fixed-size values of at most 8 bytes, into the entry's own 8-byte array, committed by
     * close); published like {@link #put}. The buffer passed to {@code writer} is valid only during the
     * call; use it through the {@code MutableDirectBuffer} API, never {@code addressOffset()} as a raw
     * address. If the writer throws, the entry keeps its previous value.
     *
     * @param length the value's size in bytes.
     * @param writer fills bytes {@code [0, length)} of the buffer it is given.
     */
    void putValueBytes(int length, Consumer<? super MutableDirectBuffer> writer);

    /**
     * Publishes the last change and releases the key. Idempotent; never throws for a closed map.
     *
     * @throws IllegalStateException if called by a thread other than the one that locked the key (the
     *                               entry stays held).
     */
    @Override
    void close();
}
