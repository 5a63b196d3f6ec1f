package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

/**
 * One shard: its memory, its lock, its table of entries (a {@link HashTable} of slots that point to them,
 * or a {@link CellTable} that holds them, for small fixed-size entries), the entries' values and key locks,
 * and the pins that keep its memory alive while threads hold or wait for its keys after the map is closed.
 * The table doubles above 3/4 full, under this shard's lock only: the other shards go on.
 *
 * <p>Thread-safety: every method whose Javadoc says "under the lock" must be called by the thread that
 * holds this shard's lock ({@link #lockOpen()}). {@link #readOptimistic}, {@link #findToLock},
 * {@link #lockFound} and {@link #collectPresentOptimistic} run without it, inside the map's
 * {@link ReadGuard}, which keeps the memory mapped while they run.
 */
public final class Shard
{
    static final int PID = (int)ProcessHandle.current().pid();
    /** {@link #readOptimistic}: the key has no value. */
    public static final int ABSENT = -1;
    /** {@link #readOptimistic}: read under the lock instead. */
    public static final int RETRY = -2;
    /** One past the largest tag, an unsigned 32-bit int: {@link #collectPresent} has walked the shard. */
    public static final long TAG_END = 1L << 32;
    /** {@link #collectPresent}: the state read was torn by a writer; read the batch again. */
    public static final long TAG_RETRY = -1;
    /** {@link #collectPresent}'s version under the shard lock: no version to check. */
    public static final long LOCKED = -1;
    /** How many slots a walk without the lock reads between checks of the version, a power of two. */
    private static final int TORN_CHECK_EVERY = 256;
    /**
     * How long {@link #tryAcquireKeyUnlessOwned} waits, in spins, for a word held by no recorded owner: up
     * to about 20 µs (a pause is 40 to 140 cycles), for a few instructions of the other thread's.
     */
    private static final int OWNERLESS_SPINS = 256;
    /** The most threads that may wait for one key: the waiter count has 24 bits ({@link EntryLayout#STATE}). */
    public static final int MAX_WAITERS = (1 << 24) - 1;

    private final ShardMemory memory;
    /** The table of slots that point to entries, or null if entries live in {@link #cells}. */
    private final HashTable table;
    /** The table whose cells are the entries, for small fixed-size entries; or null. */
    private final CellTable cells;
    private final int cellShift;
    private final int cellUnits;
    /** Cells whose value is one word ({@link EntryLayout#wordValue}): the reads take {@link #readCellWord}. */
    private final boolean wordCells;
    /** The value word's offset in a cell, when {@link #wordCells}. */
    private final int cellWordOffset;
    private final EntryValues values;
    private final EntryLayout layout;
    private final ParkingLot lot;
    private final long lockWaitKey;
    private final long header;
    private final int index;

    private final PinState state = new PinState();

    /**
     * @param index           the shard's index in its map.
     * @param layout          the map's entry layout.
     * @param lot             the map's parking lot.
     * @param firstChunkBytes the size of the first chunk of memory.
     * @param initialCapacity the hash table's first capacity, at least 16.
     * @param cellSize        {@link EntryLayout#cellSize}: entries live in a {@link CellTable} of cells of
     *                        this size, or apart from a {@link HashTable} if -1.
     */
    public Shard(
        final int index, final EntryLayout layout, final ParkingLot lot, final long firstChunkBytes, final int initialCapacity,
        final int cellSize)
    {
        this.index = index;
        this.layout = layout;
        this.lot = lot;
        this.lockWaitKey = ~(long)index;
        this.memory = new ShardMemory(firstChunkBytes);
        this.header = memory.headerAddress();
        this.table = cellSize < 0 ? new HashTable(memory, layout) : null;
        this.cells = cellSize < 0 ? null : new CellTable(memory, layout, cellSize);
        this.cellShift = cells == null ? 0 : cells.shift();
        this.cellUnits = cells == null ? 0 : cells.units();
        this.wordCells = cells != null && layout.wordValue;
        this.cellWordOffset = wordCells ? layout.valueSlotOffset(layout.fixedKeySize) : 0;
        this.values = new EntryValues(memory, layout);
        try
        {
            if (cells == null)
            {
                table.create(initialCapacity);
            }
            else
            {
                cells.create(initialCapacity);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            // The table may need a chunk of its own, whose mmap can fail: unmap the first chunk too.
            memory.release();
            throw ex;
        }
    }

    /**
     * Takes the shard lock and checks that the map is open.
     *
     * @throws IllegalStateException if the map is closed; the lock is not held then.
     */
    public void lockOpen()
    {
        if (!lockAny())
        {
            throw OffHeapLockMap.closedException();
        }
        if (state.closed)
        {
            unlock();
            throw OffHeapLockMap.closedException();
        }
    }

    /**
     * Takes the shard lock whether or not the map is closed; for releasing holders and waiters.
     *
     * @return true if taken, false if the shard's memory is already freed.
     */
    public boolean lockAny()
    {
        final boolean wasInterrupted = Thread.currentThread().isInterrupted();
        boolean waited = false;
        try
        {
            if (!memory.compareAndSet(Futex.FREE, Futex.HELD))
            {
                waited = true;
                Futex.lockShort(memory, lot, lockWaitKey);
            }
        }
        catch (final IllegalStateException ex)
        {
            // lockShort sorts out the interrupt status itself: it keeps one that arrived during its wait.
            if (!waited)
            {
                clearInterruptSetByClose(wasInterrupted);
            }
            return false;
        }
        if (!state.released)
        {
            // Odd: readers without the lock retry until the matching unlock.
            UnsafeApi.putLong(header + ShardLayout.VERSION, UnsafeApi.getLong(header + ShardLayout.VERSION) + 1);
            // Store-store fence: the odd version is visible before any change made under the lock.
            VarHandle.storeStoreFence();
            return true;
        }
        // Taken between the last unpin's unlock and its freeing of the memory: nothing here may be touched.
        try
        {
            freeLockWord();
        }
        catch (final IllegalStateException freedMeanwhile)
        {
            // unlock() has already cleared the interrupt status that the freeing set.
        }
        return false;
    }

    /**
     * Closing a shared {@link java.lang.foreign.Arena} stops threads that touch its memory with an
     * asynchronous exception, which also sets their interrupt status; undo that for threads that were not
     * interrupted before.
     */
    private static void clearInterruptSetByClose(final boolean wasInterrupted)
    {
        if (!wasInterrupted)
        {
            Thread.interrupted();
        }
    }

    /**
     * Releases the shard lock.
     */
    public void unlock()
    {
        // Release store: every change made under the lock is visible before the even version.
        UnsafeApi.putLongRelease(null, header + ShardLayout.VERSION, UnsafeApi.getLong(header + ShardLayout.VERSION) + 1);
        freeLockWord();
    }

    private void freeLockWord()
    {
        final boolean wasInterrupted = Thread.currentThread().isInterrupted();
        try
        {
            if (memory.getAndSet(Futex.FREE) == Futex.CONTENDED)
            {
                lot.wakeOne(lockWaitKey);
            }
        }
        catch (final IllegalStateException ex)
        {
            clearInterruptSetByClose(wasInterrupted);
            throw OffHeapLockMap.closedException();
        }
    }

    /**
     * Under the lock.
     *
     * @return true once the map is closed.
     */
    public boolean isClosed()
    {
        return state.closed;
    }

    /**
     * Under the lock, after the map closed: a hold of the key at {@code entry} ends (the caller then frees
     * the key word or leaves it). If the key was held when the shard closed, that hold pinned the memory.
     *
     * @param entry the entry.
     * @return true if the caller must now {@link #releaseMemory()} (after unlocking).
     */
    public boolean endHoldAfterClose(final long entry)
    {
        final int flags = UnsafeApi.getInt(entry + EntryLayout.STATE);
        if ((flags & EntryLayout.FLAG_HELD_AT_CLOSE) != 0)
        {
            UnsafeApi.putInt(entry + EntryLayout.STATE, flags & ~EntryLayout.FLAG_HELD_AT_CLOSE);
            addPins(-1);
        }
        return claimRelease();
    }

    /**
     * Under the lock, once no thread is inside a lookup or release without the shard lock (the map's
     * {@link ReadGuard}s are clear): marks the shard closed, and pins its memory once for every key held
     * now. Holders are not counted while the map is open, because a key taken without the shard lock must
     * not write the shard header; every hold that ends after this ends under the shard lock
     * ({@link #endHoldAfterClose}).
     *
     * @return true if the caller must now {@link #releaseMemory()} (after unlocking).
     */
    public boolean close()
    {
        state.closed = true;
        final int capacity = cells == null ? table.capacity() : cells.capacity();
        for (int slot = 0; slot < capacity; slot++)
        {
            final int ref = cells == null ? table.refAt(slot) : cells.entryAt(slot);
            if (ref == 0)
            {
                continue;
            }
            final long entry = memory.address(ref);
            // Volatile read: takes and releases made without the shard lock (lockFound, waiters, word releases) are seen.
            if (UnsafeApi.getIntVolatile(null, entry + EntryLayout.LOCK_WORD) != Futex.FREE)
            {
                UnsafeApi.putInt(entry + EntryLayout.STATE,
                    UnsafeApi.getInt(entry + EntryLayout.STATE) | EntryLayout.FLAG_HELD_AT_CLOSE);
                addPins(1);
            }
        }
        return claimRelease();
    }

    /**
     * Decides, once, that the caller frees the memory: closed, and nobody pinning it.
     */
    private boolean claimRelease()
    {
        if (state.closed && !state.released && UnsafeApi.getInt(header + ShardLayout.PINS) == 0)
        {
            state.released = true;
            return true;
        }
        return false;
    }

    /**
     * Frees the shard's memory; called once, by whoever {@link #close()}, {@link #addWaiter} or
     * {@link #endHoldAfterClose} told to.
     */
    public void releaseMemory()
    {
        try
        {
            memory.release();
        }
        catch (final IllegalStateException ignore)
        {
            // Already closed: nothing left to free.
        }
    }

    /**
     * @return bytes reserved from the operating system.
     */
    public long reservedBytes()
    {
        return memory.reservedBytes();
    }

    /**
     * For tests: what the cells of a {@link CellTable} are ({@link CellTable#census}).
     *
     * @return live cells in place, displaced live cells, forwarders, tombstones; null for a {@link HashTable}.
     */
    int[] cellCensus()
    {
        if (cells == null)
        {
            return null;
        }
        lockOpen();
        try
        {
            return cells.census();
        }
        finally
        {
            unlock();
        }
    }

    /**
     * For tests.
     *
     * @return the shard's memory.
     */
    ShardMemory memory()
    {
        return memory;
    }

    /**
     * @return the parking-lot key for the lock word of the entry at {@code ref}.
     * @param ref the entry.
     */
    public long waitKey(final int ref)
    {
        return ((long)index << 32) | (ref & 0xFFFF_FFFFL);
    }

    /**
     * @return the reader and writer of this shard's entries' values.
     */
    public EntryValues values()
    {
        return values;
    }

    /**
     * @param ref a ref.
     * @return its address.
     */
    public long address(final int ref)
    {
        return memory.address(ref);
    }

    // ---------------------------------------------------------------- lookups and the table's changes

    /**
     * Under the lock.
     *
     * @param key    the key's bytes.
     * @param length the key's length.
     * @param hash   the key's hash.
     * @return the entry's ref, or 0.
     */
    public int find(final UnsafeBuffer key, final int length, final long hash)
    {
        return cells == null ? table.find(key, length, hash) : cells.find(key, length, hash);
    }

    /**
     * Without the lock: looks the key up and copies its committed value into {@code out}, from a state
     * that no writer was changing ({@link ShardLayout#VERSION} even and the same before and after).
     * Every address comes from {@link ShardMemory#readableAddress}, so a ref read while a writer was
     * changing the table cannot make it fault; what it reads then is thrown away. The caller keeps the
     * shard's memory from being freed meanwhile (the map's close waits for it).
     *
     * @param key    the key's bytes.
     * @param length the key's length.
     * @param hash   the key's hash.
     * @param out    where the value is copied, or null to learn only whether the key has a value; a value
     *               longer than its capacity is a {@link #RETRY}.
     * @return the value's length (0 when {@code out} is null), {@link #ABSENT}, or {@link #RETRY} to read
     *         under the lock instead (also when the calling thread holds the key, which the caller
     *         reports there).
     */
    public int readOptimistic(final UnsafeBuffer key, final int length, final long hash, final UnsafeBuffer out)
    {
        // Volatile read (acquire): the reads below see at least the state this version stands for.
        final long version = UnsafeApi.getLongVolatile(null, header + ShardLayout.VERSION);
        if ((version & 1) != 0)
        {
            return RETRY;
        }
        if (wordCells)
        {
            return readCellWord(key, length, hash, out, version);
        }
        final long found = lookupOptimistic(key, length, hash);
        int result = found == RETRY ? RETRY : ABSENT;
        if (found > 0)
        {
            final long entry = memory.readableAddress((int)found, layout.keyOffset + (long)length);
            if (entry != 0 && isHeldByCurrentThread(entry))
            {
                return RETRY; // The caller's own key: the read under the shard lock throws.
            }
            if (entry != 0 && values.isPresent(entry))
            {
                result = out == null ? 0 : values.copyCommittedOptimistic((int)found, entry, length, out);
            }
        }
        return unchangedSince(version) ? result : RETRY;
    }

    /**
     * Without the lock: the version that {@link #findToLock} and {@link #lockFound} check against.
     *
     * @return the shard's {@link ShardLayout#VERSION}; odd while a writer holds the shard lock.
     */
    public long version()
    {
        // Volatile read (acquire): a lookup after it sees at least the state this version stands for.
        return UnsafeApi.getLongVolatile(null, header + ShardLayout.VERSION);
    }

    /**
     * Without the lock, the first half of taking a key without the shard lock: finds the key's entry as
     * {@link #readOptimistic} does, from a state that no writer was changing. {@link #lockFound} then
     * takes it.
     *
     * @param key     the key's bytes.
     * @param length  the key's length.
     * @param hash    the key's hash.
     * @param version what {@link #version()} returned before.
     * @return the ref of the key's entry as it was, or 0 to lock under the shard lock instead.
     */
    public int findToLock(final UnsafeBuffer key, final int length, final long hash, final long version)
    {
        if ((version & 1) != 0)
        {
            return 0;
        }
        final long found = lookupOptimistic(key, length, hash);
        return found > 0 && unchangedSince(version) ? (int)found : 0;
    }

    /**
     * Without the lock, the second half: takes the lock word of the entry that {@link #findToLock} found,
     * with one CAS and no write to the shard header. Since the lookup, the entry may have been freed (its
     * word is then {@link EntryLayout#DEAD} and the CAS fails) or freed and reused for another key (freed
     * entries stay entries, so the CAS takes a real lock word; the key check sees the other key and gives
     * the word back).
     *
     * @param ref           what {@link #findToLock} returned, not 0.
     * @param lookupVersion the version {@link #findToLock} checked against.
     * @param key           the key's bytes.
     * @param length        the key's length.
     * @return {@code ref}, now held by the caller with its owner recorded, or 0 if not taken.
     */
    public int lockFound(final int ref, final long lookupVersion, final UnsafeBuffer key, final int length)
    {
        final long entry = memory.address(ref);
        if (!KeyLockWord.tryAcquire(entry + EntryLayout.LOCK_WORD))
        {
            return 0;
        }
        // Held now, so nobody can free the entry: its key is stable, and it is this key's only entry if equal.
        // (The CAS, a full fence, orders the version read after it: an unchanged even version means no
        // writer ran since the lookup, so the entry is still the key's and the compare can be skipped.) The
        // length first: an entry reused for a longer key of the same size class may start with these bytes.
        if (UnsafeApi.getLong(header + ShardLayout.VERSION) != lookupVersion &&
            ((UnsafeApi.getInt(entry + EntryLayout.STATE) & EntryLayout.FLAG_LIVE) == 0 ||
                layout.keyLength(entry) != length || !Scratch.equalsNative(entry + layout.keyOffset, key, length)))
        {
            giveBack(ref, entry);
            return 0;
        }
        setOwner(entry);
        return ref;
    }

    /**
     * Frees the word of another key's entry that {@link #lockFound} took by mistake. If that key has no
     * value (a placeholder), whoever tried to remove it meanwhile (its holder's release, a waiter that
     * timed out) failed because of this very CAS, so the removal is tried here, under the shard lock,
     * where {@link #removeIfUnused} checks for waiters: not before the release, when a waiter counted
     * then may still time out and fail its own removal.
     */
    private void giveBack(final int ref, final long entry)
    {
        // Read while this thread holds the word, so no one can change the present flag.
        final boolean unused = !values.isPresent(entry);
        final int keyLength = layout.keyLength(entry);
        final UnsafeBuffer otherKey = unused ? new UnsafeBuffer(new byte[keyLength]) : null;
        if (unused)
        {
            Scratch.copyFromNative(entry + layout.keyOffset, keyLength, otherKey);
        }
        if (TestHooks.ENABLED)
        {
            TestHooks.beforeGiveBack();
        }
        if (KeyLockWord.release(entry + EntryLayout.LOCK_WORD))
        {
            lot.wakeOne(waitKey(ref));
        }
        if (unused && lockAny())
        {
            try
            {
                final long hash = KeyHash.hash(otherKey.byteArray(), keyLength);
                if (!state.closed && find(otherKey, keyLength, hash) == ref)
                {
                    removeIfUnused(ref, hash);
                }
            }
            finally
            {
                unlock();
            }
        }
    }

    /**
     * Without the lock: the probe of {@link #find}, with every address bounds-checked and at most
     * {@code capacity} probes. The caller validates the result against {@link ShardLayout#VERSION}.
     *
     * @return the entry's ref (positive), 0 if absent, or {@link #RETRY}.
     */
    private long lookupOptimistic(final UnsafeBuffer key, final int length, final long hash)
    {
        return cells == null ? lookupSlotsOptimistic(key, length, hash) : lookupCellsOptimistic(key, length, hash);
    }

    /**
     * {@link #lookupOptimistic} in a {@link CellTable}: the key is compared in the cell, and a forwarder's
     * target is bounds-checked.
     */
    private long lookupCellsOptimistic(final UnsafeBuffer key, final int length, final long hash)
    {
        final int capacity = UnsafeApi.getInt(header + ShardLayout.TABLE_CAPACITY);
        final int tableRef = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long table = capacity > 0 ? memory.readableAddress(tableRef, (long)capacity << cellShift) : 0;
        final long cell = table == 0 ? RETRY : probeCells(table, capacity, key, length, hash);
        if (cell <= 0)
        {
            return cell;
        }
        if ((UnsafeApi.getInt(cell + EntryLayout.STATE) & CellTable.KIND) == EntryLayout.FLAG_LIVE)
        {
            return (tableRef + ((cell - table) >>> cellShift) * cellUnits) & 0xFFFF_FFFFL;
        }
        final int target = UnsafeApi.getInt(cell + EntryLayout.OWNER);
        return memory.readableAddress(target, layout.keyOffset + (long)length) == 0 ? RETRY : target & 0xFFFF_FFFFL;
    }

    /**
     * {@link #readOptimistic} for cells whose value is one word: the value is read in the key's cell (or
     * in the entry a forwarder names), without turning the cell back into a ref and the ref into an
     * address, and without the generic value path's length and slot lookups. In cache, one thread,
     * {@code MapBenchmark.get -p entries=10000}, it made the get about 13% faster (README).
     */
    private int readCellWord(
        final UnsafeBuffer key, final int length, final long hash, final UnsafeBuffer out, final long version)
    {
        final int capacity = UnsafeApi.getInt(header + ShardLayout.TABLE_CAPACITY);
        final int tableRef = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long table = capacity > 0 ? memory.readableAddress(tableRef, (long)capacity << cellShift) : 0;
        long entry = table == 0 ? RETRY : probeCells(table, capacity, key, length, hash);
        int state = entry > 0 ? UnsafeApi.getInt(entry + EntryLayout.STATE) : 0;
        if (entry > 0 && (state & CellTable.KIND) != EntryLayout.FLAG_LIVE)
        {
            // A forwarder: the entry stays where it was when a holder or waiter kept it from moving.
            entry = memory.readableAddress(UnsafeApi.getInt(entry + EntryLayout.OWNER), cellWordOffset + (long)Long.BYTES);
            entry = entry == 0 ? RETRY : entry;
            state = entry > 0 ? UnsafeApi.getInt(entry + EntryLayout.STATE) : 0;
        }
        if (entry > 0 && isHeldByCurrentThread(entry))
        {
            return RETRY; // The caller's own key: the read under the shard lock throws.
        }
        int result = entry == RETRY ? RETRY : ABSENT;
        if (entry > 0 && (state & EntryLayout.FLAG_PRESENT) != 0)
        {
            result = out == null ? 0 : layout.fixedValueSize;
            if (out != null)
            {
                // One load: a holder may commit the word meanwhile without the shard lock or a version change.
                Scratch.copyWordFromNative(entry + cellWordOffset, out);
            }
        }
        return unchangedSince(version) ? result : RETRY;
    }

    /**
     * Without the lock: the probe of a cell table for a key, at most a table's length of cells.
     *
     * @param table    the table's address, checked to lie in reserved memory for {@code capacity} cells.
     * @param capacity its capacity as read for that check (never read again here: a larger table's
     *                 capacity would take the probe past this one's memory).
     * @return the address of the cell that holds the key or its forwarder, 0 if absent, or {@link #RETRY}.
     */
    private long probeCells(final long table, final int capacity, final UnsafeBuffer key, final int length, final long hash)
    {
        int i = HashTable.home((int)hash, capacity);
        for (int probes = 0; probes < capacity; probes++, i = HashTable.next(i, capacity))
        {
            final long cell = table + ((long)i << cellShift);
            final int kind = UnsafeApi.getInt(cell + EntryLayout.STATE) & CellTable.KIND;
            if (kind == 0)
            {
                return 0;
            }
            if (kind != CellTable.FLAG_TOMBSTONE && Scratch.equalsNative(cell + layout.keyOffset, key, length))
            {
                return cell;
            }
        }
        return RETRY;
    }

    private long lookupSlotsOptimistic(final UnsafeBuffer key, final int length, final long hash)
    {
        final int capacity = UnsafeApi.getInt(header + ShardLayout.TABLE_CAPACITY);
        final long table = capacity > 0 ?
            memory.readableAddress(UnsafeApi.getInt(header + ShardLayout.TABLE_REF), (long)capacity * HashTable.SLOT) : 0;
        if (table == 0)
        {
            return RETRY;
        }
        final int tag = (int)hash;
        int i = HashTable.home(tag, capacity);
        for (int probes = 0; probes < capacity; probes++, i = HashTable.next(i, capacity))
        {
            final long slot = UnsafeApi.getLong(table + (long)i * HashTable.SLOT);
            if (slot == 0)
            {
                return 0;
            }
            if ((int)(slot >>> 32) != tag)
            {
                continue;
            }
            final long entry = memory.readableAddress((int)slot, layout.keyOffset + (long)length);
            if (entry == 0)
            {
                return RETRY;
            }
            if (layout.keyLength(entry) == length && Scratch.equalsNative(entry + layout.keyOffset, key, length))
            {
                return slot & 0xFFFF_FFFFL;
            }
        }
        return RETRY;
    }

    /**
     * Under the lock: adds an entry with no value, held by the caller (its lock word taken and its owner
     * recorded), so that no thread that locks without the shard lock can take it before the caller is
     * done with it.
     *
     * @param key    the key's bytes.
     * @param length the key's length.
     * @param hash   the key's hash.
     * @return the new entry's ref.
     */
    public int insert(final UnsafeBuffer key, final int length, final long hash)
    {
        final long count = UnsafeApi.getLong(header + ShardLayout.ENTRY_COUNT);
        final int ref;
        if (cells == null)
        {
            table.makeRoomFor(count + 1);
            ref = memory.allocateEntry(layout.entrySize(length));
        }
        else
        {
            cells.makeRoomFor(count + 1);
            ref = cells.claim(hash);
        }
        final long entry = memory.address(ref);
        // Not the lock word: a reused entry's stays DEAD until the entry is whole and in the table.
        UnsafeApi.setMemory(entry + EntryLayout.STATE, layout.keyOffset - EntryLayout.STATE, (byte)0);
        if (layout.keyLengthOffset >= 0)
        {
            UnsafeApi.putInt(entry + layout.keyLengthOffset, length);
        }
        Scratch.copyToNative(key, length, entry + layout.keyOffset);
        if (cells == null)
        {
            table.put(hash, ref);
        }
        UnsafeApi.putInt(entry + EntryLayout.STATE, EntryLayout.FLAG_LIVE);
        UnsafeApi.putLong(header + ShardLayout.ENTRY_COUNT, count + 1);
        // A plain store: only a CAS from free could race it, and the word is DEAD or a block never locked.
        UnsafeApi.putInt(entry + EntryLayout.LOCK_WORD, Futex.HELD);
        setOwner(entry);
        return ref;
    }

    /**
     * Under the lock: removes an entry with no waiter whose lock word the caller holds (or has made
     * {@link EntryLayout#DEAD}), and frees its memory.
     *
     * @param ref  the entry.
     * @param hash its key's hash.
     */
    public void remove(final int ref, final long hash)
    {
        final long entry = memory.address(ref);
        values.clearValue(entry);
        // A plain store: the caller holds the word, and a CAS from free is all that could race it.
        UnsafeApi.putInt(entry + EntryLayout.LOCK_WORD, EntryLayout.DEAD);
        if (cells == null)
        {
            table.delete(hash, ref);
            UnsafeApi.putInt(entry + EntryLayout.STATE, 0);
            memory.freeEntry(ref, layout.entrySize(layout.keyLength(entry)));
        }
        else
        {
            cells.delete(hash, ref);
        }
        UnsafeApi.putLong(header + ShardLayout.ENTRY_COUNT, UnsafeApi.getLong(header + ShardLayout.ENTRY_COUNT) - 1);
    }

    /**
     * Under the lock: removes the entry if nothing needs it any more (no value, holder or waiter).
     *
     * @param ref  the entry.
     * @param hash its key's hash.
     */
    public void removeIfUnused(final int ref, final long hash)
    {
        final long entry = memory.address(ref);
        // Volatile CAS (full fence): claims the word from free, so no thread that locks without the shard
        // lock can take the entry while it is freed; fails if one already has.
        if (!values.isPresent(entry) && waiters(entry) == 0 &&
            UnsafeApi.compareAndSetInt(null, entry + EntryLayout.LOCK_WORD, Futex.FREE, EntryLayout.DEAD))
        {
            remove(ref, hash);
        }
    }

    /**
     * Without the lock, as {@link #readOptimistic} reads: {@link #collectPresent} from a state that no
     * writer was changing, so that iteration does not make this shard's writers wait.
     *
     * @param version what {@link #version()} returned before, even.
     * @return the first tag after the range, {@link #TAG_END} after the last range, or {@link #TAG_RETRY}
     *         if a writer interfered (the caller discards the batch's new entries).
     */
    public long collectPresentOptimistic(
        final long fromTag, final int batch, final int maxKeyLength, final EntryBatch out, final long version)
    {
        final long next = collectPresent(fromTag, batch, maxKeyLength, out, version);
        return unchangedSince(version) ? next : TAG_RETRY;
    }

    /**
     * Without the lock, as {@link #readOptimistic} reads: the entries with a value, from a state no writer
     * was changing.
     *
     * @return the count, or -1 if a writer interfered.
     */
    public long sizeOptimistic()
    {
        final long version = version();
        if ((version & 1) != 0)
        {
            return -1;
        }
        final long size = UnsafeApi.getLong(header + ShardLayout.SIZE);
        return unchangedSince(version) ? size : -1;
    }

    /**
     * Without the lock: whether no writer has taken the shard lock since {@code version} was read.
     */
    private boolean unchangedSince(final long version)
    {
        // Load fence: every read before this completes before the version is read again.
        VarHandle.loadLoadFence();
        return UnsafeApi.getLong(header + ShardLayout.VERSION) == version;
    }

    /**
     * Copies the keys that have a value (and, for a batch {@link EntryBatch#withValues}, their committed
     * values) and whose tags lie in a range that starts at {@code fromTag} and
     * is sized for about {@code batch} entries at the table's current capacity. Iteration walks a shard
     * range by range, so it holds the shard lock (when it takes it) and the heap for one batch at a time,
     * not for the whole shard. Ranges are in tag space, not slot space, so a resize or a deletion's
     * backward shift between two batches cannot move an entry into a range already walked: every key
     * present throughout is copied exactly once, and no key twice (a key's tag never changes).
     *
     * <p>Under linear probing an entry sits in the run of full slots from its home onwards, and homes grow
     * with tags, so the range's entries lie between the home of its first tag and the first empty slot
     * after the home of its last tag; slots there that hold other tags are skipped.
     *
     * <p>Under the lock, or without it through {@link #collectPresentOptimistic}: every address is
     * bounds-checked and every key and value length bounded, so a state torn by a writer cannot fault,
     * and without the lock the version is checked again before each entry is copied, so a torn walk stops
     * there and grows the batch's arrays no more than a walk under the lock would.
     *
     * @param fromTag      the first tag of the range, an unsigned int as a long, in {@code [0, 2^32)}.
     * @param batch        how many entries a range should hold, on average.
     * @param maxKeyLength the map's key size limit.
     * @param out          receives each entry's bytes.
     * @param version      without the lock, the version the walk started from; under it, {@link #LOCKED}.
     * @return the first tag after the range, {@link #TAG_END} after the last range, or {@link #TAG_RETRY}
     *         if the state read was torn or impossible (only without the lock).
     */
    public long collectPresent(
        final long fromTag, final int batch, final int maxKeyLength, final EntryBatch out, final long version)
    {
        if (cells != null)
        {
            return collectPresentCells(fromTag, batch, out, version);
        }
        final int capacity = table.capacity();
        final long slots = table.readableTable(capacity);
        if (slots == 0)
        {
            return TAG_RETRY;
        }
        final long toTag = rangeEnd(fromTag, batch, capacity);
        final int firstHome = HashTable.home((int)fromTag, capacity);
        final int homeSpan = HashTable.home((int)(toTag - 1), capacity) - firstHome;
        int slot = firstHome;
        for (int step = 0; step < capacity; step++, slot = HashTable.next(slot, capacity))
        {
            if (tornAt(step, version))
            {
                return TAG_RETRY;
            }
            final long word = UnsafeApi.getLong(slots + (long)slot * HashTable.SLOT);
            if (word == 0)
            {
                if (step > homeSpan)
                {
                    break;
                }
                continue;
            }
            final long tag = word >>> 32;
            if (tag < fromTag || tag >= toTag)
            {
                continue;
            }
            final long start = memory.readableAddress((int)word, layout.keyOffset);
            final int length = start == 0 ? -1 : layout.keyLength(start);
            final long entry = length < 0 || length > maxKeyLength ? 0 :
                memory.readableAddress((int)word, layout.keyOffset + (long)length);
            if (!collectOne((int)word, entry, length, out, version))
            {
                return TAG_RETRY;
            }
        }
        return toTag;
    }

    /**
     * {@link #collectPresent} in a {@link CellTable}: the same walk over cells, each key's tag computed
     * from its bytes (cells have none), and a forwarder's entry read where it points.
     */
    private long collectPresentCells(final long fromTag, final int batch, final EntryBatch out, final long version)
    {
        final int capacity = UnsafeApi.getInt(header + ShardLayout.TABLE_CAPACITY);
        final int tableRef = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long table = capacity > 0 ? memory.readableAddress(tableRef, (long)capacity << cellShift) : 0;
        if (table == 0)
        {
            return TAG_RETRY;
        }
        final int length = layout.fixedKeySize;
        final long toTag = rangeEnd(fromTag, batch, capacity);
        final int firstHome = HashTable.home((int)fromTag, capacity);
        final int homeSpan = HashTable.home((int)(toTag - 1), capacity) - firstHome;
        int slot = firstHome;
        for (int step = 0; step < capacity; step++, slot = HashTable.next(slot, capacity))
        {
            if (tornAt(step, version))
            {
                return TAG_RETRY;
            }
            final long cell = table + ((long)slot << cellShift);
            final int kind = UnsafeApi.getInt(cell + EntryLayout.STATE) & CellTable.KIND;
            if (kind == 0)
            {
                if (step > homeSpan)
                {
                    break;
                }
                continue;
            }
            // A displaced cell is counted through its forwarder, which is on its key's probe.
            if (kind == CellTable.FLAG_TOMBSTONE ||
                (UnsafeApi.getInt(cell + EntryLayout.STATE) & CellTable.FLAG_DISPLACED) != 0)
            {
                continue;
            }
            final long tag = KeyHash.hashNative(cell + layout.keyOffset, length) & 0xFFFF_FFFFL;
            if (tag < fromTag || tag >= toTag)
            {
                continue;
            }
            final int ref = kind == EntryLayout.FLAG_LIVE ?
                (int)(tableRef + (long)slot * cellUnits) : UnsafeApi.getInt(cell + EntryLayout.OWNER);
            final long entry = memory.readableAddress(ref, layout.entrySize(length));
            if (!collectOne(ref, entry, length, out, version))
            {
                return TAG_RETRY;
            }
        }
        return toTag;
    }

    /** The end of a walk's tag range, sized for about {@code batch} entries at this capacity. */
    private static long rangeEnd(final long fromTag, final int batch, final int capacity)
    {
        return Math.min(TAG_END, fromTag + Math.max(1L, (TAG_END * batch) / capacity));
    }

    /**
     * Every {@link #TORN_CHECK_EVERY} steps of a walk without the lock: whether a writer came. A torn
     * walk may read garbage as a long run of full slots or cells, and stops at the next check.
     */
    private boolean tornAt(final int step, final long version)
    {
        return (step & (TORN_CHECK_EVERY - 1)) == TORN_CHECK_EVERY - 1 && version != LOCKED && !unchangedSince(version);
    }

    /**
     * A walk's step: copies the entry's key (and value, for a batch with values) if it has a value.
     *
     * @param entry the entry's bounds-checked address, or 0 if the check failed.
     * @return false if the state read was torn (only without the lock).
     */
    private boolean collectOne(final int ref, final long entry, final int length, final EntryBatch out, final long version)
    {
        if (entry == 0)
        {
            return false;
        }
        if (!values.isPresent(entry))
        {
            return true;
        }
        if (version != LOCKED && !unchangedSince(version))
        {
            return false;
        }
        out.addKey(entry + layout.keyOffset, length);
        return !out.withValues() || values.copyCommittedInto(ref, entry, length, out);
    }

    /**
     * Under the lock.
     *
     * @return entries with a value.
     */
    public long size()
    {
        return UnsafeApi.getLong(header + ShardLayout.SIZE);
    }

    // ---------------------------------------------------------------- values' memory

    /**
     * Under the lock: a block for a holder's pending variable-size value.
     *
     * @param length the size.
     * @return the block's ref.
     */
    public int allocateBlock(final int length)
    {
        return memory.allocate(length);
    }

    /**
     * Under the lock.
     *
     * @param ref    a block from {@link #allocateBlock(int)}.
     * @param length its size.
     */
    public void freeBlock(final int ref, final int length)
    {
        memory.free(ref, length);
    }

    // ---------------------------------------------------------------- key locks, under the lock

    /**
     * Under the lock: the uncontended path, one CAS.
     *
     * @param entry the entry.
     * @return true if the caller now holds the key.
     */
    public boolean tryAcquireKey(final long entry)
    {
        if (KeyLockWord.tryAcquire(entry + EntryLayout.LOCK_WORD))
        {
            setOwner(entry);
            return true;
        }
        return false;
    }

    /**
     * Under the lock, for {@code tryLock}, after {@link #tryAcquireKey} failed: tries again for a moment if
     * the word is held by no recorded owner and no thread waits for the key. Such a hold, none of which
     * needs the shard lock to end, is a thread that took the word an instant ago without the shard lock
     * and is recording itself (then the key is held, and this fails), one that took it by mistake from a
     * stale lookup and gives it back at once ({@link #lockFound}), or a holder between clearing its owner
     * and releasing. A woken waiter also holds the word before recording itself, but needs the shard lock
     * to do so; it is registered, so a key with waiters fails at once (they go first, as in
     * {@link #tryAcquireIdleKey}). Without the wait, {@code tryLock} could report a free key as held.
     * Bounded (up to about 20 µs): a thread descheduled or stopped at a safepoint in that window still
     * makes this fail.
     *
     * @param entry the entry.
     * @return true if the caller now holds the key; false if a recorded owner or a waiter has it, or the
     *         wait ran out.
     */
    public boolean tryAcquireKeyUnlessOwned(final long entry)
    {
        // Volatile read: a bound set by the test thread is seen.
        final int spins = TestHooks.ENABLED && TestHooks.ownerlessSpins > 0 ? TestHooks.ownerlessSpins : OWNERLESS_SPINS;
        for (int i = 0; i < spins; i++)
        {
            // Volatile read: the other thread records itself, or gives the word back, without the shard lock.
            if (UnsafeApi.getLongVolatile(null, entry + EntryLayout.OWNER) != 0 || waiters(entry) != 0)
            {
                return false;
            }
            Thread.onSpinWait();
            // Volatile read first: a CAS only once the word is free, not one per spin on the line the other
            // thread is writing.
            if (UnsafeApi.getIntVolatile(null, entry + EntryLayout.LOCK_WORD) == Futex.FREE && tryAcquireKey(entry))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Under the lock: records the calling thread as the key's holder.
     *
     * @param entry the entry.
     */
    public void setOwner(final long entry)
    {
        UnsafeApi.putLong(entry + EntryLayout.OWNER, EntryLayout.owner(PID, Thread.currentThread().threadId()));
    }

    /**
     * Under the lock: clears the holder and frees the key lock.
     *
     * @param entry the entry.
     * @return true if a waiter must be woken.
     */
    public boolean releaseKey(final long entry)
    {
        UnsafeApi.putLong(entry + EntryLayout.OWNER, 0L);
        return KeyLockWord.release(entry + EntryLayout.LOCK_WORD);
    }

    /**
     * Under the lock: takes the key if nobody holds it and nobody is registered to wait for it (a waiter
     * woken to take it goes first).
     *
     * @param entry the entry.
     * @return true if the caller now holds the key.
     */
    public boolean tryAcquireIdleKey(final long entry)
    {
        return waiters(entry) == 0 && tryAcquireKey(entry);
    }

    /**
     * With or without the lock: the answer depends only on this thread's own writes (it sets the owner
     * after taking the word, and clears it before releasing), so a concurrent change by another thread
     * can never make it true. Without the lock, on an entry found by a probe that the caller validates.
     *
     * @param entry the entry.
     * @return true if the calling thread holds the key.
     */
    public boolean isHeldByCurrentThread(final long entry)
    {
        // Plain reads, ordering nothing: only this thread's own writes, which it sees in order, can make both true.
        return UnsafeApi.getInt(entry + EntryLayout.LOCK_WORD) != Futex.FREE &&
            UnsafeApi.getLong(entry + EntryLayout.OWNER) == EntryLayout.owner(PID, Thread.currentThread().threadId());
    }

    /**
     * Under the lock: registers (+1) or deregisters (-1) a waiter for the key, which keeps the entry alive
     * and pins the shard's memory.
     *
     * @param entry the entry.
     * @param delta +1 or -1.
     * @return true if the caller must now {@link #releaseMemory()} (after unlocking).
     * @throws IllegalStateException if the count is full ({@link #MAX_WAITERS}): wrapped to 0, it would
     *                               let the entry be freed under its waiters.
     */
    public boolean addWaiter(final long entry, final int delta)
    {
        if (delta > 0 && waiters(entry) > MAX_WAITERS - delta)
        {
            throw new IllegalStateException("more than " + MAX_WAITERS + " threads wait for one LockMap key");
        }
        UnsafeApi.putInt(entry + EntryLayout.STATE, UnsafeApi.getInt(entry + EntryLayout.STATE) + delta * EntryLayout.ONE_WAITER);
        addPins(delta);
        return claimRelease();
    }

    /**
     * Under the lock.
     */
    private void addPins(final int delta)
    {
        UnsafeApi.putInt(header + ShardLayout.PINS, UnsafeApi.getInt(header + ShardLayout.PINS) + delta);
    }

    private static int waiters(final long entry)
    {
        return UnsafeApi.getInt(entry + EntryLayout.STATE) >>> 8;
    }

    /**
     * Guarded by the shard lock: its acquire and release (volatile CAS and get-and-set on the lock word)
     * order these plain fields like a Java lock would. Written once each, at close, so they stay on the
     * heap, where a thread can still read them after the shard's memory is freed.
     */
    private static final class PinState
    {
        boolean closed;
        boolean released;
    }
}
