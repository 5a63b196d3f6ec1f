package org.lockmap.internal;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.lockmap.BatchLock;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializer;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The {@link LockMap} over {@link Shard}s in anonymous native memory.
 *
 * <p>Every operation serializes its key (and value) into the thread's {@link Scratch} first, so no user
 * code runs under a shard lock, then takes the shard lock for a bounded piece of work. Whoever changes
 * an entry holds its key's futex word: a write on a key that nobody holds or waits for takes the word
 * under the shard lock and frees it before unlocking; a write on a held key registers as a waiter, waits
 * on the word outside the shard lock, then applies its change and releases the key. With fixed-size
 * keys, {@link #lock} of a present, free key takes the word without the shard lock at all. Reads copy
 * the committed bytes out, without the shard lock when no writer interferes ({@link Shard#readOptimistic})
 * and under it otherwise, and decode them after.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class OffHeapLockMap<K, V> extends AbstractMap<K, V> implements LockMap<K, V>
{
    private static final int OP_PUT = 0;
    private static final int OP_PUT_IF_ABSENT = 1;
    private static final int OP_REPLACE = 2;
    private static final int OP_REPLACE_IF_EQUAL = 3;
    private static final int OP_REMOVE = 4;
    private static final int OP_REMOVE_IF_EQUAL = 5;
    private static final int WAS_PRESENT = 1;
    private static final int CHANGED = 2;
    private static final long FIRST_CHUNK_LIMIT = 256L << 20;
    /**
     * Keys an iteration or {@code clear()} copies at a time, on average: if it must take the shard lock,
     * the lock is held for one batch's entry reads (a few microseconds at 1M entries), not a whole shard's.
     */
    static final int ITERATION_BATCH = 64;
    /** How often a batch is read without the shard lock before it is read under it. */
    private static final int OPTIMISTIC_BATCH_TRIES = 3;
    /** How long a batch waits, in spins, for a writer to free the shard lock before reading under it. */
    private static final int WRITER_SPINS = 1_000;
    private static final java.lang.invoke.VarHandle CLOSED;

    static
    {
        try
        {
            CLOSED = java.lang.invoke.MethodHandles.lookup().findVarHandle(OffHeapLockMap.class, "closed", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final MapConfig<K, V> config;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final EntryLayout layout;
    private final Shard[] shards;
    private final int shardMask;
    private final ParkingLot lot = new ParkingLot();
    /**
     * No eviction policy: a free present key is taken by one CAS without the shard lock
     * ({@link Shard#lockFound}). Safe because a freed entry is only ever reused as an entry
     * ({@link ShardMemory#freeEntry}).
     */
    private final boolean lockWithoutShardLock;
    /** Word values ({@link EntryLayout#wordValue}) whose serializer has a word form: decoded from a register. */
    private final boolean valueWords;
    /** Volatile: an operation that reads false may still meet a closed shard, which it detects under its lock. */
    private volatile boolean closed;

    /**
     * @param config the builder's choices.
     * @param <K>    the key type.
     * @param <V>    the value type.
     * @return a new map.
     */
    public static <K, V> LockMap<K, V> create(final MapConfig<K, V> config)
    {
        NativeAccess.ensureAvailable();
        return new OffHeapLockMap<>(config, 0);
    }

    /**
     * @param config      the builder's choices.
     * @param policyWords int words per entry reserved for an eviction policy.
     */
    public OffHeapLockMap(final MapConfig<K, V> config, final int policyWords)
    {
        NativeAccess.ensureAvailable();
        this.config = config;
        this.keySerializer = config.keySerializer();
        this.valueSerializer = config.valueSerializer();
        this.layout = new EntryLayout(keySerializer, valueSerializer, policyWords);
        checkLargestEntry(layout, config);
        this.lockWithoutShardLock = policyWords == 0;
        this.valueWords = layout.wordValue && valueSerializer.isWord();
        final int shardCount = config.shards();
        // Keys do not spread evenly: leave each shard room for four standard deviations above the mean,
        // or about half the shards of a map filled to its hint would double their table (and reserve a
        // second chunk for it) just past the mean.
        final long mean = Math.max(1, config.expectedEntries() / shardCount);
        final long perShard = mean + 4 * (long)Math.ceil(Math.sqrt(mean)) + 16;
        final int capacity = tableCapacity(perShard);
        final int keySize = layout.fixedKeySize >= 0 ? layout.fixedKeySize : config.averageKeySize();
        final long entryBytes = layout.entrySize(keySize) +
            (layout.fixedValueSize >= 0 ? 0 : EntryLayout.align8(config.averageValueSize()));
        final int cellSize = layout.cellSize(policyWords);
        final long chunk = Math.min(FIRST_CHUNK_LIMIT, ShardLayout.HEADER_SIZE + (cellSize > 0 ?
            (capacity + 1L) * cellSize : capacity * (long)Long.BYTES + perShard * entryBytes));
        this.shards = new Shard[shardCount];
        this.shardMask = shardCount - 1;
        try
        {
            for (int i = 0; i < shardCount; i++)
            {
                shards[i] = new Shard(i, layout, lot, chunk, capacity, cellSize);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            for (final Shard shard : shards)
            {
                if (shard != null)
                {
                    shard.releaseMemory();
                }
            }
            throw ex;
        }
    }

    /**
     * A table 3/4 full at the expected entry count, the most it holds before it doubles; a multiple of
     * 8 slots, so that it fills whole cache lines.
     */
    private static int tableCapacity(final long entries)
    {
        final long wanted = Math.max(16, (entries * 4 + 2) / 3 + 1);
        return (int)Math.min(1 << 27, (wanted + 7) & ~7L);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public V get(final Object key)
    {
        final Scratch scratch = lookupScratch(key);
        return scratch == null ? null : read(scratch, null, false, true);
    }

    @Override
    public V getUsing(final K key, final V reuse)
    {
        final Scratch scratch = lookupScratch(key);
        return scratch == null ? null : read(scratch, reuse, true, true);
    }

    @Override
    public boolean containsKey(final Object key)
    {
        final Scratch scratch = lookupScratch(key);
        if (scratch == null)
        {
            return false;
        }
        final int present = readWithoutLock(scratch, null);
        if (present != Shard.RETRY)
        {
            return present != Shard.ABSENT;
        }
        final Shard shard = shardFor(scratch.keyHash);
        shard.lockOpen();
        try
        {
            final int ref = shard.find(scratch.key, scratch.keyLength, scratch.keyHash);
            if (ref == 0)
            {
                return false;
            }
            final long entry = shard.address(ref);
            if (shard.isHeldByCurrentThread(entry))
            {
                throw heldByCaller();
            }
            return shard.values().isPresent(entry);
        }
        finally
        {
            shard.unlock();
        }
    }

    /**
     * The read path without the shard lock ({@link Shard#readOptimistic}): no write to memory other
     * threads use, and no waiting for a writer of the shard; a read that meets one, or a key that the
     * calling thread holds, returns RETRY and the caller reads under the lock instead.
     *
     * @param out where to copy the value, or null to learn only whether the key has one.
     * @return the value's length in {@code out} (0 without one), {@link Shard#ABSENT} or {@link Shard#RETRY}.
     */
    private int readWithoutLock(final Scratch scratch, final UnsafeBuffer out)
    {
        final ReadGuard guard = scratch.guard;
        guard.enter(this);
        try
        {
            // Volatile read after the guard's volatile write: close() either sees this guard or is seen here.
            if (closed)
            {
                return Shard.RETRY;
            }
            return shardFor(scratch.keyHash).readOptimistic(scratch.key, scratch.keyLength, scratch.keyHash, out);
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * Reads the committed value: without the shard lock, or under it when the read without it meets a
     * writer or the caller's own key.
     *
     * @param rejectHolder whether the caller's own key is an error, as for every map operation on it; not
     *                     for iteration, an operation on the whole map, which reads its last released value.
     */
    private V read(final Scratch scratch, final V reuse, final boolean useReuse, final boolean rejectHolder)
    {
        final int copied = readWithoutLock(scratch, scratch.out);
        if (copied != Shard.RETRY)
        {
            return copied == Shard.ABSENT ? null : decodeWordValue(scratch.out, copied, reuse, useReuse);
        }
        final Shard shard = shardFor(scratch.keyHash);
        final int length;
        shard.lockOpen();
        try
        {
            final int ref = shard.find(scratch.key, scratch.keyLength, scratch.keyHash);
            if (ref == 0)
            {
                return null;
            }
            final long entry = shard.address(ref);
            if (rejectHolder && shard.isHeldByCurrentThread(entry))
            {
                throw heldByCaller();
            }
            if (!shard.values().isPresent(entry))
            {
                return null;
            }
            length = shard.values().copyCommitted(entry, scratch.out);
        }
        finally
        {
            shard.unlock();
        }
        return decodeWordValue(scratch.out, length, reuse, useReuse);
    }

    /**
     * A walk of the values, as {@code AbstractMap}'s, but null is rejected, as by {@code ConcurrentHashMap}.
     */
    @Override
    public boolean containsValue(final Object value)
    {
        Objects.requireNonNull(value, "value");
        for (final V candidate : values())
        {
            if (value.equals(candidate))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size()
    {
        return (int)Math.min(Integer.MAX_VALUE, sizeLong());
    }

    /**
     * The sum of the shards' counts, each read as {@code get} reads, without the shard lock (under it only
     * after {@link #OPTIMISTIC_BATCH_TRIES} reads torn by writers): exact when no writer runs, and
     * otherwise a sum of counts that were each exact at some moment during the call, as
     * {@code ConcurrentHashMap}'s. A thread that polls the size makes no writer wait.
     */
    @Override
    public long sizeLong()
    {
        final ReadGuard guard = Scratch.get().guard;
        long size = 0;
        for (final Shard shard : shards)
        {
            size += shardSize(shard, guard);
        }
        return size;
    }

    private long shardSize(final Shard shard, final ReadGuard guard)
    {
        guard.enter(this);
        try
        {
            // Volatile read after the guard's volatile write: close() either sees this guard or is seen here.
            for (int attempt = 0; attempt < OPTIMISTIC_BATCH_TRIES && !closed; attempt++)
            {
                final long size = shard.sizeOptimistic();
                if (size >= 0)
                {
                    return size;
                }
                Thread.onSpinWait();
            }
        }
        finally
        {
            guard.exit();
        }
        shard.lockOpen();
        try
        {
            return shard.size();
        }
        finally
        {
            shard.unlock();
        }
    }

    @Override
    public boolean isEmpty()
    {
        return sizeLong() == 0;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public V put(final K key, final V value)
    {
        final Scratch scratch = keyValueScratch(key, value);
        return previous(scratch, update(scratch, OP_PUT, true));
    }

    @Override
    public void set(final K key, final V value)
    {
        update(keyValueScratch(key, value), OP_PUT, false);
    }

    @Override
    public V putIfAbsent(final K key, final V value)
    {
        final Scratch scratch = keyValueScratch(key, value);
        return previous(scratch, update(scratch, OP_PUT_IF_ABSENT, true));
    }

    @Override
    public V replace(final K key, final V value)
    {
        final Scratch scratch = keyValueScratch(key, value);
        return previous(scratch, update(scratch, OP_REPLACE, true));
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue)
    {
        Objects.requireNonNull(oldValue, "oldValue");
        Objects.requireNonNull(newValue, "value");
        final Scratch scratch = lookupScratch(key);
        if (scratch == null)
        {
            return false;
        }
        scratch.valueLength = serializeValue(newValue, scratch.value, false);
        scratch.expectedLength = serializeValue(oldValue, scratch.expected, true);
        return scratch.expectedLength >= 0 && (update(scratch, OP_REPLACE_IF_EQUAL, false) & CHANGED) != 0;
    }

    @Override
    public V remove(final Object key)
    {
        final Scratch scratch = lookupScratch(key);
        return scratch == null ? null : previous(scratch, update(scratch, OP_REMOVE, true));
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(final Object key, final Object value)
    {
        final Scratch scratch = lookupScratch(key);
        if (scratch == null || value == null)
        {
            return false;
        }
        scratch.expectedLength = serializeValue((V)value, scratch.expected, true);
        return scratch.expectedLength >= 0 && (update(scratch, OP_REMOVE_IF_EQUAL, false) & CHANGED) != 0;
    }

    @Override
    public boolean delete(final K key)
    {
        final Scratch scratch = lookupScratch(key);
        return scratch != null && (update(scratch, OP_REMOVE, false) & WAS_PRESENT) != 0;
    }

    @Override
    public void clear()
    {
        final EntryBatch batch = new EntryBatch(false);
        final Scratch scratch = Scratch.get();
        for (final Shard shard : shards)
        {
            for (long tag = 0; tag != Shard.TAG_END; batch.clear())
            {
                tag = presentEntries(shard, tag, batch);
                for (int i = 0; i < batch.size(); i++)
                {
                    scratch.copyKey(batch.keyArray(i), batch.keyOffset(i), batch.keyLength(i));
                    update(scratch, OP_REMOVE, false);
                }
            }
        }
    }

    @Override
    public V computeIfAbsent(final K key, final Function<? super K, ? extends V> function)
    {
        Objects.requireNonNull(function, "function");
        final Scratch scratch = keyScratch(key);
        final V existing = read(scratch, null, false, true);
        if (existing != null)
        {
            return existing;
        }
        try (LockedEntry<K, V> entry = lock(key))
        {
            final V current = entry.get();
            if (current != null)
            {
                return current;
            }
            final V value = function.apply(key);
            if (value != null)
            {
                entry.put(value);
            }
            return value;
        }
    }

    @Override
    public V computeIfPresent(final K key, final BiFunction<? super K, ? super V, ? extends V> function)
    {
        Objects.requireNonNull(function, "function");
        final Scratch scratch = lookupScratch(key);
        if (scratch == null || read(scratch, null, false, true) == null)
        {
            return null;
        }
        try (LockedEntry<K, V> entry = lock(key))
        {
            final V current = entry.get();
            return current == null ? null : store(entry, function.apply(key, current));
        }
    }

    @Override
    public V compute(final K key, final BiFunction<? super K, ? super V, ? extends V> function)
    {
        Objects.requireNonNull(function, "function");
        try (LockedEntry<K, V> entry = lock(key))
        {
            return store(entry, function.apply(key, entry.get()));
        }
    }

    @Override
    public V merge(final K key, final V value, final BiFunction<? super V, ? super V, ? extends V> function)
    {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(function, "function");
        try (LockedEntry<K, V> entry = lock(key))
        {
            final V current = entry.get();
            return store(entry, current == null ? value : function.apply(current, value));
        }
    }

    private V store(final LockedEntry<K, V> entry, final V value)
    {
        if (value == null)
        {
            if (entry.isPresent())
            {
                entry.remove();
            }
        }
        else
        {
            entry.put(value);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private V previous(final Scratch scratch, final int result)
    {
        if (scratch.previousDecoded)
        {
            final Object decoded = scratch.decodedPrevious;
            scratch.previousDecoded = false;
            scratch.decodedPrevious = null;
            return (V)decoded;
        }
        return (result & WAS_PRESENT) != 0 ? decodeWordValue(scratch.out, scratch.outLength, null, false) : null;
    }

    /**
     * Applies a write to the key in {@code scratch}. When nobody holds or waits for the key and no previous
     * value must be decoded, the write happens within one hold of the shard lock (taking and freeing the
     * key's word inside it, since a lock without the shard lock could otherwise take the key meanwhile).
     * Otherwise the key is taken (at once, or by waiting outside the shard lock), the previous value is decoded with the key held and
     * the shard lock free, and only then is the change applied: a previous value that fails to decode
     * leaves the map unchanged.
     */
    private int update(final Scratch scratch, final int op, final boolean wantPrevious)
    {
        final long hash = scratch.keyHash;
        final Shard shard = shardFor(hash);
        final int ref;
        final long entry;
        boolean held = false;
        shard.lockOpen();
        try
        {
            final int found = shard.find(scratch.key, scratch.keyLength, hash);
            if (found == 0)
            {
                return op == OP_PUT || op == OP_PUT_IF_ABSENT ? insertWithValue(shard, scratch) : 0;
            }
            ref = found;
            entry = shard.address(ref);
            if (shard.tryAcquireIdleKey(entry))
            {
                if (!(wantPrevious && shard.values().isPresent(entry) && (op == OP_PUT || op == OP_REPLACE || op == OP_REMOVE)))
                {
                    try
                    {
                        return apply(shard, entry, op, scratch, wantPrevious);
                    }
                    finally
                    {
                        // No waiter can have come: registering takes the shard lock, held here throughout.
                        checkNoWaiter(shard.releaseKey(entry));
                        shard.removeIfUnused(ref, hash);
                    }
                }
                held = true;
            }
            else if (shard.isHeldByCurrentThread(entry))
            {
                throw heldByCaller();
            }
            else
            {
                shard.addWaiter(entry, 1);
            }
        }
        finally
        {
            shard.unlock();
        }
        if (!held && awaitKey(shard, ref, entry, hash, Long.MAX_VALUE, false) != Futex.Outcome.ACQUIRED)
        {
            throw closedException();
        }
        return applyHeld(shard, ref, entry, hash, op, scratch, wantPrevious);
    }

    /**
     * Applies a write to a key the caller holds, then releases it. The previous value is decoded first,
     * without the shard lock (the held key cannot change, and nobody frees a held entry).
     */
    private int applyHeld(
        final Shard shard, final int ref, final long entry, final long hash, final int op, final Scratch scratch,
        final boolean wantPrevious)
    {
        Throwable failure = null;
        V previous = null;
        if (wantPrevious && shard.values().isPresent(entry))
        {
            try
            {
                final int length = shard.values().committedLength(entry);
                Scratch.copyFromNative(shard.values().committedAddress(entry), length, scratch.out);
                previous = decodeWordValue(scratch.out, length, null, false);
            }
            catch (final RuntimeException | Error ex)
            {
                failure = ex;
            }
        }
        int result = 0;
        boolean wake = false;
        boolean releaseMemory = false;
        boolean open = false;
        checkTaken(shard.lockAny());
        try
        {
            if (!shard.isClosed())
            {
                open = true;
                try
                {
                    if (failure == null)
                    {
                        result = apply(shard, entry, op, scratch, false);
                    }
                }
                finally
                {
                    wake = shard.releaseKey(entry);
                    shard.removeIfUnused(ref, hash);
                }
            }
        }
        finally
        {
            if (!open)
            {
                releaseMemory = shard.endHoldAfterClose(entry);
            }
            shard.unlock();
            if (releaseMemory)
            {
                shard.releaseMemory();
            }
            if (wake)
            {
                lot.wakeOne(shard.waitKey(ref));
            }
        }
        if (failure != null)
        {
            if (failure instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            throw (Error)failure;
        }
        if (!open)
        {
            throw closedException();
        }
        scratch.previousDecoded = wantPrevious;
        scratch.decodedPrevious = previous;
        return result;
    }

    /**
     * Waits, outside the shard lock, for a key the caller registered as a waiter for; on success the
     * caller holds the key.
     *
     * @return {@link Futex.Outcome#ACQUIRED}, or why not ({@link Futex.Outcome#CLOSED} if the map closed).
     */
    private Futex.Outcome awaitKey(
        final Shard shard, final int ref, final long entry, final long hash, final long deadline, final boolean interruptible)
    {
        final Futex.Outcome outcome =
            Futex.lock(new KeyLockWord(entry + EntryLayout.LOCK_WORD), lot, shard.waitKey(ref), deadline, interruptible);
        boolean releaseMemory = false;
        checkTaken(shard.lockAny());
        try
        {
            releaseMemory = shard.addWaiter(entry, -1);
            if (outcome == Futex.Outcome.ACQUIRED && !shard.isClosed())
            {
                shard.setOwner(entry);
                return outcome;
            }
            if (outcome == Futex.Outcome.ACQUIRED)
            {
                shard.releaseKey(entry);
                // Or: deregistering may already have claimed the release.
                releaseMemory |= shard.endHoldAfterClose(entry);
                return Futex.Outcome.CLOSED;
            }
            if (!shard.isClosed())
            {
                shard.removeIfUnused(ref, hash);
            }
            return outcome;
        }
        finally
        {
            shard.unlock();
            if (releaseMemory)
            {
                shard.releaseMemory();
            }
        }
    }

    private static int insertWithValue(final Shard shard, final Scratch scratch)
    {
        final int ref = shard.insert(scratch.key, scratch.keyLength, scratch.keyHash);
        final long entry = shard.address(ref);
        try
        {
            shard.values().commit(entry, scratch.value, scratch.valueLength);
        }
        catch (final RuntimeException | Error ex)
        {
            shard.remove(ref, scratch.keyHash);
            throw ex;
        }
        // A new entry has no waiter: registering takes the shard lock, held here throughout.
        checkNoWaiter(shard.releaseKey(entry));
        return CHANGED;
    }

    private static void checkNoWaiter(final boolean wake)
    {
        if (wake)
        {
            throw new IllegalStateException("LockMap bug: a waiter registered for a key while its shard was locked");
        }
    }

    private static int apply(final Shard shard, final long entry, final int op, final Scratch scratch, final boolean wantPrevious)
    {
        final boolean present = shard.values().isPresent(entry);
        if (present && wantPrevious)
        {
            scratch.outLength = shard.values().copyCommitted(entry, scratch.out);
        }
        final int result = present ? WAS_PRESENT : 0;
        final boolean change = switch (op)
        {
            case OP_PUT -> true;
            case OP_PUT_IF_ABSENT -> !present;
            case OP_REPLACE, OP_REMOVE -> present;
            case OP_REPLACE_IF_EQUAL, OP_REMOVE_IF_EQUAL -> present && shard.values().committedLength(entry) == scratch.expectedLength &&
                Scratch.equalsNative(shard.values().committedAddress(entry), scratch.expected, scratch.expectedLength);
            default -> throw new IllegalArgumentException("op " + op);
        };
        if (!change)
        {
            return result;
        }
        if (op == OP_REMOVE || op == OP_REMOVE_IF_EQUAL)
        {
            shard.values().clearValue(entry);
        }
        else
        {
            shard.values().commit(entry, scratch.value, scratch.valueLength);
        }
        return result | CHANGED;
    }

    // ---------------------------------------------------------------- locks

    @Override
    public LockedEntry<K, V> lock(final K key)
    {
        final Scratch scratch = keyScratch(key);
        final int ref;
        try
        {
            ref = acquireRef(scratch, Long.MAX_VALUE, false, false);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError("an uninterruptible wait was interrupted", ex);
        }
        return new HeldEntry<>(this, shardFor(scratch.keyHash), ref, scratch.keyHash, key, scratch);
    }

    @Override
    public LockedEntry<K, V> lockInterruptibly(final K key) throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        return acquire(key, keyScratch(key), Long.MAX_VALUE, true, false);
    }

    @Override
    public LockedEntry<K, V> tryLock(final K key)
    {
        try
        {
            return acquire(key, keyScratch(key), 0, false, true);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError("tryLock does not wait", ex);
        }
    }

    @Override
    public LockedEntry<K, V> tryLock(final K key, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        final long nanos = unit.toNanos(timeout);
        return acquire(key, keyScratch(key), deadline(nanos), true, nanos <= 0);
    }

    private static long deadline(final long nanos)
    {
        final long deadline = System.nanoTime() + Math.max(0, nanos);
        return deadline == Long.MAX_VALUE ? deadline - 1 : deadline;
    }

    /**
     * Takes the key in {@code scratch}: at once when free (creating a placeholder when absent), else by
     * waiting on its futex word outside the shard lock.
     *
     * @return the held entry, or null if {@code tryOnly} and held, or on timeout.
     */
    HeldEntry<K, V> acquire(
        final K key, final Scratch scratch, final long deadline, final boolean interruptible, final boolean tryOnly)
        throws InterruptedException
    {
        final int ref = acquireRef(scratch, deadline, interruptible, tryOnly);
        return ref == 0 ? null : new HeldEntry<>(this, shardFor(scratch.keyHash), ref, scratch.keyHash, key, scratch);
    }

    /**
     * Takes the key in {@code scratch}: without the shard lock when it is present and free, else under
     * the shard lock, creating a placeholder when absent, or by waiting on its futex word outside the
     * shard lock.
     *
     * <p>One method on purpose, and returning a ref rather than the held entry: its bytecode is over
     * C2's {@code FreqInlineSize} (325 bytes), so C2 never inlines it, and {@link #lock} (which
     * allocates the entry) stays small enough to inline into its caller even once it has been compiled
     * on its own. The caller's escape analysis then sees the entry from allocation to {@code close()}
     * and removes it: no garbage per lock. When this was inlined, {@code lock} compiled on its own was
     * "already compiled into a big method", was not inlined, and every lock allocated its 104-byte
     * entry. {@code AcquireRefSizeTest} keeps the size above the limit.
     *
     * @return the held entry's ref, or 0 if {@code tryOnly} and held, or on timeout.
     */
    private int acquireRef(
        final Scratch scratch, final long deadline, final boolean interruptible, final boolean tryOnly)
        throws InterruptedException
    {
        final long hash = scratch.keyHash;
        final Shard shard = shardFor(hash);
        if (lockWithoutShardLock)
        {
            // The uncontended lock of a present key, without the shard lock: Shard.findToLock, then
            // Shard.lockFound, inside the read guard that keeps the memory mapped.
            final ReadGuard guard = scratch.guard;
            guard.enter(this);
            try
            {
                // Volatile read after the guard's volatile write: close() either sees this guard or is seen here.
                if (!closed)
                {
                    final long version = shard.version();
                    final int found = shard.findToLock(scratch.key, scratch.keyLength, hash, version);
                    final int taken = found == 0 ? 0 : shard.lockFound(found, version, scratch.key, scratch.keyLength);
                    if (taken != 0)
                    {
                        return taken;
                    }
                }
            }
            finally
            {
                guard.exit();
            }
        }
        final int ref;
        final long entry;
        shard.lockOpen();
        try
        {
            final int found = shard.find(scratch.key, scratch.keyLength, hash);
            if (found == 0)
            {
                return shard.insert(scratch.key, scratch.keyLength, hash);
            }
            ref = found;
            entry = shard.address(ref);
            if (shard.tryAcquireKey(entry))
            {
                return ref;
            }
            if (shard.isHeldByCurrentThread(entry))
            {
                throw heldByCaller();
            }
            if (tryOnly)
            {
                return shard.tryAcquireKeyUnlessOwned(entry) ? ref : 0;
            }
            shard.addWaiter(entry, 1);
        }
        finally
        {
            shard.unlock();
        }
        final Futex.Outcome outcome = awaitKey(shard, ref, entry, hash, deadline, interruptible);
        return switch (outcome)
        {
            case ACQUIRED -> ref;
            case TIMED_OUT -> 0;
            case INTERRUPTED -> throw new InterruptedException("interrupted while waiting for a LockMap key");
            default -> throw closedException();
        };
    }

    /**
     * Releases a held key of a word-value map without the shard lock: commits {@code word} if
     * {@code commit}, then frees the key. For a key that has a value before and after (so that neither
     * the size nor the present flag changes), while the map is open; the close then writes no shard-wide
     * memory. Takes primitives, not the held entry, so that the entry does not escape if this is not
     * inlined.
     *
     * <p>Inside the read guard: {@code close()} counts the keys held in a shard only after every guard is
     * clear, so either this sees the map closed and changes nothing (the caller then releases under the
     * shard lock, which ends the pin that close() gave this hold), or close() counts holds after this
     * release, and this hold was never pinned. A check of {@code closed} after the release, without the
     * guard, could not tell this hold's pin from that of a thread that took the key in between, and
     * ending that one freed the memory under its holder ({@code StrayUnpinTest}).
     *
     * @param guard the calling thread's read guard.
     * @return true if released; false if the map is closed (nothing was changed).
     */
    boolean releaseWordWithoutShardLock(
        final ReadGuard guard, final Shard shard, final long entry, final int ref, final boolean commit, final long word)
    {
        final boolean wake;
        guard.enter(this);
        try
        {
            // Volatile read after the guard's volatile write: close() either sees this guard or is seen here.
            if (closed)
            {
                return false;
            }
            if (commit)
            {
                shard.values().commitPresentWord(entry, word);
            }
            wake = shard.releaseKey(entry);
            if (TestHooks.ENABLED)
            {
                TestHooks.afterWordRelease();
            }
        }
        finally
        {
            guard.exit();
        }
        if (wake)
        {
            lot.wakeOne(shard.waitKey(ref));
        }
        return true;
    }

    /**
     * Commits a held entry's last change, keeping the key.
     *
     * @param held the entry.
     */
    void publish(final HeldEntry<K, V> held)
    {
        final Shard shard = held.shard();
        if (!shard.lockAny())
        {
            return;
        }
        try
        {
            if (!shard.isClosed())
            {
                held.commit();
            }
        }
        finally
        {
            shard.unlock();
        }
    }

    /**
     * Commits a held entry's last change and frees its key.
     *
     * @param held the entry.
     */
    void release(final HeldEntry<K, V> held)
    {
        final Shard shard = held.shard();
        if (!shard.lockAny())
        {
            return;
        }
        boolean wake = false;
        boolean releaseMemory = false;
        try
        {
            // Only the locking thread gets here, once per hold (HeldEntry.close checks both), so the key is
            // still this hold's.
            if (shard.isClosed())
            {
                // The map is gone: discard the pending change, free the word, end the hold's pin.
                shard.releaseKey(held.entryAddress());
                releaseMemory = shard.endHoldAfterClose(held.entryAddress());
            }
            else
            {
                try
                {
                    held.commit();
                }
                finally
                {
                    wake = shard.releaseKey(held.entryAddress());
                    shard.removeIfUnused(held.ref(), held.hash());
                }
            }
        }
        finally
        {
            shard.unlock();
        }
        if (releaseMemory)
        {
            shard.releaseMemory();
        }
        if (wake)
        {
            lot.wakeOne(shard.waitKey(held.ref()));
        }
    }

    @Override
    public BatchLock<K, V> lockAll(final Collection<? extends K> keys)
    {
        try
        {
            return lockAll(keys, Long.MAX_VALUE, false);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError("an uninterruptible wait was interrupted", ex);
        }
    }

    @Override
    public BatchLock<K, V> tryLockAll(final Collection<? extends K> keys, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        return lockAll(keys, deadline(unit.toNanos(timeout)), true);
    }

    private BatchLock<K, V> lockAll(final Collection<? extends K> keys, final long deadline, final boolean timed)
        throws InterruptedException
    {
        final List<BatchKey<K>> ordered = BatchKey.order(keys, this);
        final List<HeldEntry<K, V>> held = new ArrayList<>(ordered.size());
        boolean complete = false;
        try
        {
            for (final BatchKey<K> batchKey : ordered)
            {
                final Scratch scratch = Scratch.get();
                scratch.setKeyBytes(batchKey.bytes(), batchKey.bytes().length, batchKey.hash());
                final HeldEntry<K, V> entry = acquire(batchKey.key(), scratch, deadline, timed, false);
                if (entry == null)
                {
                    return null;
                }
                held.add(entry);
            }
            complete = true;
            return new HeldBatch<>(this, ordered, held);
        }
        finally
        {
            if (!complete)
            {
                final Throwable failure = HeldBatch.closeAll(held, null);
                if (failure != null)
                {
                    throw new IllegalStateException("releasing a partly taken lockAll failed", failure);
                }
            }
        }
    }

    // ---------------------------------------------------------------- views

    @Override
    public Set<Entry<K, V>> entrySet()
    {
        return new MapViews.EntrySetView<>(this);
    }

    @Override
    public Set<K> keySet()
    {
        return new MapViews.KeySetView<>(this);
    }

    @Override
    public Collection<V> values()
    {
        return new MapViews.ValuesView<>(this);
    }

    /**
     * Copies one batch of the shard's entries that have a value ({@link Shard#collectPresent}): their keys,
     * and their committed values if the batch is {@link EntryBatch#withValues}; call again from the
     * returned tag until {@link Shard#TAG_END}. Without the shard lock, as {@code get} reads, so that an
     * iteration does not make the shard's writers wait; under it after {@link #OPTIMISTIC_BATCH_TRIES}
     * reads torn by writers.
     *
     * @param shard   the shard.
     * @param fromTag where the batch starts: 0 for the shard's first.
     * @param batch   receives the entries, after those it holds.
     * @return where the next batch starts, or {@link Shard#TAG_END}.
     */
    long presentEntries(final Shard shard, final long fromTag, final EntryBatch batch)
    {
        final int size = batch.size();
        try
        {
            final long next = presentEntriesWithoutLock(shard, fromTag, batch, size);
            return next != Shard.TAG_RETRY ? next : presentEntriesUnderLock(shard, fromTag, batch);
        }
        catch (final RuntimeException | Error ex)
        {
            // A half-copied batch would be returned again with the whole one if the caller went on.
            batch.truncate(size);
            throw ex;
        }
    }

    /**
     * Up to {@link #OPTIMISTIC_BATCH_TRIES} walks that a writer tore; a writer holding the shard lock
     * when a walk would start is waited out briefly instead of costing a try.
     */
    private long presentEntriesWithoutLock(final Shard shard, final long fromTag, final EntryBatch batch, final int size)
    {
        final ReadGuard guard = Scratch.get().guard;
        guard.enter(this);
        try
        {
            int torn = 0;
            // Volatile read after the guard's volatile write: close() either sees this guard or is seen here.
            for (int spins = 0; torn < OPTIMISTIC_BATCH_TRIES && spins < WRITER_SPINS && !closed; )
            {
                final long version = shard.version();
                if ((version & 1) != 0)
                {
                    spins++;
                    Thread.onSpinWait();
                    continue;
                }
                final long next = shard.collectPresentOptimistic(fromTag, ITERATION_BATCH, config.maxKeySize(), batch, version);
                if (next != Shard.TAG_RETRY)
                {
                    return next;
                }
                batch.truncate(size);
                torn++;
            }
            return Shard.TAG_RETRY;
        }
        finally
        {
            guard.exit();
        }
    }

    private long presentEntriesUnderLock(final Shard shard, final long fromTag, final EntryBatch batch)
    {
        shard.lockOpen();
        try
        {
            final long next = shard.collectPresent(fromTag, ITERATION_BATCH, config.maxKeySize(), batch, Shard.LOCKED);
            if (next == Shard.TAG_RETRY)
            {
                throw new IllegalStateException("a LockMap shard is corrupt: its table holds an entry outside its memory");
            }
            return next;
        }
        finally
        {
            shard.unlock();
        }
    }

    Shard[] shards()
    {
        return shards;
    }

    // ---------------------------------------------------------------- lifecycle and helpers

    @Override
    public void close()
    {
        // Volatile CAS: one caller closes; ordered before awaitReaders' guard reads (Dekker with ReadGuard.enter).
        if (!CLOSED.compareAndSet(this, false, true))
        {
            return;
        }
        // Readers without a lock that saw the map open finish before any shard's memory can be freed.
        ReadGuard.awaitReaders(this);
        for (final Shard shard : shards)
        {
            boolean releaseMemory = false;
            if (shard.lockAny())
            {
                try
                {
                    releaseMemory = shard.close();
                }
                finally
                {
                    shard.unlock();
                }
            }
            if (releaseMemory)
            {
                shard.releaseMemory();
            }
        }
        lot.close();
    }

    @Override
    public boolean isClosed()
    {
        // Volatile read: sees any thread's close() once its CAS is done; a racing close may be missed.
        return closed;
    }

    @Override
    public long nativeMemoryBytes()
    {
        long bytes = 0;
        for (final Shard shard : shards)
        {
            bytes += shard.reservedBytes();
        }
        return bytes;
    }

    @Override
    public Serializer<K> keySerializer()
    {
        return keySerializer;
    }

    @Override
    public Serializer<V> valueSerializer()
    {
        return valueSerializer;
    }

    boolean hasFixedSizeValues()
    {
        return layout.fixedValueSize >= 0;
    }

    /**
     * @return true if values have a fixed size of at most 8 bytes ({@link EntryLayout#wordValue}).
     */
    boolean hasWordValues()
    {
        return layout.wordValue;
    }

    void checkOpen()
    {
        // Volatile read: a fast fail only; a racing close is caught by a guarded check or under the shard lock.
        if (closed)
        {
            throw closedException();
        }
    }

    static IllegalStateException closedException()
    {
        return new IllegalStateException("the LockMap is closed");
    }

    /**
     * An invariant of the pins and waiter counts: the shard lock of a shard that a waiter or holder pins
     * can always be taken (a holder counts from the map's close on), and an idle key's word is free. A
     * failure here is a bug, reported instead of ignored.
     */
    private static void checkTaken(final boolean taken)
    {
        if (!taken)
        {
            throw new IllegalStateException("LockMap internal error: a lock that must be free was not");
        }
    }

    private static IllegalStateException heldByCaller()
    {
        return new IllegalStateException(
            "the calling thread already holds this key: use its LockedEntry, or close it first");
    }

    Shard shardFor(final long hash)
    {
        return shards[(int)(hash >>> 40) & shardMask];
    }

    @SuppressWarnings("unchecked")
    Scratch keyScratch(final Object key)
    {
        Objects.requireNonNull(key, "key");
        checkOpen();
        final Scratch scratch = Scratch.get();
        scratch.setKey(keySerializer, (K)key, config.maxKeySize());
        return scratch;
    }

    /**
     * The key's scratch for reads and removals, or null if the key is over the map's maxKeySize: such a key
     * cannot be in the map, so it is absent, as an unknown key is for {@code HashMap}, rather than an
     * error (which would make {@code equals} with another map throw).
     */
    @SuppressWarnings("unchecked")
    private Scratch lookupScratch(final Object key)
    {
        Objects.requireNonNull(key, "key");
        checkOpen();
        final Scratch scratch = Scratch.get();
        return scratch.setKey(keySerializer, (K)key, config.maxKeySize(), true) ? scratch : null;
    }

    private Scratch keyValueScratch(final K key, final V value)
    {
        Objects.requireNonNull(value, "value");
        final Scratch scratch = keyScratch(key);
        scratch.valueLength = serializeValue(value, scratch.value, false);
        return scratch;
    }

    /**
     * An entry holds the key and, for fixed sizes, the value (twice, for values of more than 8 bytes); a
     * block is at most {@link ShardMemory#MAX_BLOCK}. Computed in long: a fixed value near 1 GiB makes an
     * int entry size wrap.
     */
    private static void checkLargestEntry(final EntryLayout layout, final MapConfig<?, ?> config)
    {
        final long keyBytes = ((long)(layout.fixedKeySize >= 0 ? layout.fixedKeySize : config.maxKeySize()) + 7) & ~7L;
        final long valueBytes = layout.wordValue ? Long.BYTES : 2L * layout.valueSlotStride;
        final long largest = layout.keyOffset + keyBytes + valueBytes;
        if (largest > ShardMemory.MAX_BLOCK)
        {
            throw new IllegalArgumentException("a LockMap entry would take up to " + largest + " bytes (the key, and a " +
                "fixed-size value twice), over the 1 GiB a block can hold; lower maxKeySize or use a smaller fixed value");
        }
    }

    /**
     * Serializes a value into a scratch buffer.
     *
     * @param value            the value.
     * @param buffer           the buffer.
     * @param absentIfTooLarge for the expected value of {@code replace(k, old, new)} or {@code remove(k, v)}:
     *                         one over the map's maxValueSize cannot be the stored one, so return -1 instead
     *                         of throwing.
     * @return its length, or -1 (only with {@code absentIfTooLarge}).
     */
    int serializeValue(final V value, final UnsafeBuffer buffer, final boolean absentIfTooLarge)
    {
        // Its own call sites for the serializer, apart from the key's in Scratch.setKey (see there).
        final int length = valueSerializer.sizeOf(value);
        if (absentIfTooLarge && length > config.maxValueSize() && valueSerializer.fixedSize() < 0)
        {
            return -1;
        }
        Scratch.checkSize(valueSerializer, length, config.maxValueSize(), "value", "maxValueSize");
        Scratch.ensure(buffer, length);
        valueSerializer.write(value, buffer, 0);
        return length;
    }

    void checkValueLength(final int length)
    {
        if (length < 0 || length > config.maxValueSize())
        {
            throw new IllegalArgumentException("a value of " + length + " bytes exceeds the map's maxValueSize of " +
                config.maxValueSize() + " bytes; raise it with LockMapBuilder.maxValueSize(int)");
        }
        if (valueSerializer.fixedSize() >= 0 && length != valueSerializer.fixedSize())
        {
            throw new IllegalArgumentException("values of " + valueSerializer.fingerprint() + " are " +
                valueSerializer.fixedSize() + " bytes, not " + length);
        }
    }

    V decodeValue(final DirectBuffer buffer, final int length, final V reuse, final boolean useReuse)
    {
        return useReuse ? valueSerializer.read(buffer, 0, length, reuse) : valueSerializer.read(buffer, 0, length);
    }

    /**
     * Decodes a word value ({@link EntryLayout#wordValue}) copied into the first bytes of {@code buffer}:
     * from the register when the serializer has a word form ({@code Serializer.isWord}), else from the bytes.
     */
    V decodeWordValue(final UnsafeBuffer buffer, final int length, final V reuse, final boolean useReuse)
    {
        return valueWords && !useReuse ?
            valueSerializer.fromWord(Scratch.readWord(buffer, length)) : decodeValue(buffer, length, reuse, useReuse);
    }

    /**
     * Decodes a word value held as a word (a holder's pending or committed value); {@code bytes} is where
     * its bytes are laid out for a serializer without a word form.
     */
    V decodeWord(final long word, final int length, final UnsafeBuffer bytes)
    {
        if (valueWords)
        {
            return valueSerializer.fromWord(word);
        }
        Scratch.writeWord(word, bytes);
        return decodeValue(bytes, length, null, false);
    }

    K decodeKey(final EntryBatch batch, final int i)
    {
        return keySerializer.read(batch.keyBuffer(i), batch.keyOffset(i), batch.keyLength(i));
    }

    /**
     * @return the batch's copy of entry {@code i}'s value, decoded; or, if the batch holds no copy (a
     *         value over {@link EntryBatch#VALUE_BYTES_MAX}), the key's value now, null if it has none.
     */
    V decodeValue(final EntryBatch batch, final int i, final K key)
    {
        final int length = batch.valueLength(i);
        if (length != EntryBatch.NOT_COPIED)
        {
            return valueSerializer.read(batch.buffer(), batch.valueOffset(i), length);
        }
        final Scratch scratch = lookupScratch(key);
        return scratch == null ? null : read(scratch, null, false, false);
    }

    int allocateBlock(final Shard shard, final int length)
    {
        shard.lockOpen();
        try
        {
            return shard.allocateBlock(length);
        }
        finally
        {
            shard.unlock();
        }
    }

    void freeBlock(final Shard shard, final int ref, final int length)
    {
        if (shard.lockAny())
        {
            try
            {
                if (!shard.isClosed())
                {
                    shard.freeBlock(ref, length);
                }
            }
            finally
            {
                shard.unlock();
            }
        }
    }
}
