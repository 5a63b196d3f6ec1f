package org.lockmap.internal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lockmap.LockedEntry;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A held key. Its changes are pending until {@link #close()}: a value of at most 8 bytes is kept in a
 * field of this object, a larger fixed-size value is written into the entry's spare slot, a variable-size
 * one into a block of its own. Close commits the last change and frees the key: a word value of a key
 * that has a value before and after with one store and no shard lock, anything else under the shard
 * lock. The entry's memory stays valid while it is held (nobody frees a held entry, and a map closed
 * meanwhile keeps its memory until the hold ends), so the holder reads and writes it without the shard
 * lock.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
final class HeldEntry<K, V> implements LockedEntry<K, V>
{
    private static final byte[] EMPTY = new byte[0];
    private static final byte NONE = 0;
    private static final byte PUT = 1;
    private static final byte REMOVE = 2;

    private final OffHeapLockMap<K, V> map;
    private final Shard shard;
    private final int ref;
    private final long entry;
    private final long hash;
    private final K key;
    private final boolean fixedValues;
    /** Values of at most 8 bytes ({@link EntryLayout#wordValue}): a pending one is {@link #pendingWord}. */
    private final boolean wordValues;
    /** The owner word this entry's thread wrote when it took the key. */
    private final long owner;
    /** The locking thread's scratch: an entry is used by the thread that locked it. */
    private final Scratch scratch;
    /**
     * {@link #NONE}, {@link #PUT} or {@link #REMOVE}. A byte, and {@link #userCodeDepth} a short, so that
     * the entry stays 104 bytes: a batch keeps its entries on the heap (an int more made a 2-key lockAll
     * allocate 560 B instead of 544).
     */
    private byte pending = NONE;
    private int pendingRef;
    private int pendingLength;
    private long pendingWord;
    /** Word values: the pending word's bytes, for {@link #valueBytes()}. */
    private byte[] pendingBytes;
    /** Word values: where a {@link #putValueBytes} writer writes. */
    private byte[] writerBytes;
    /**
     * Set by the close that releases this hold. Only the locking thread may close (another thread's close
     * throws before touching anything): a second thread's release could free the owner's next hold of
     * the key, since the owner word names the thread, not the hold. So a plain field: one thread reads
     * and writes it, and a CAS or volatile write here would be a fence on every close and keep the JIT
     * from scalar-replacing the entry.
     */
    private boolean closed;
    private UnsafeBuffer flyweight;
    /** The buffer a {@link #putValueBytes} writer gets: its own, so the writer may call {@link #get()}. */
    private UnsafeBuffer writeTarget;
    /** The spare slot's bytes, kept while a writer may fail (fixed-size values). */
    private UnsafeBuffer spareBackup;
    /** The object the last {@link #get()} decoded, while no change has happened since. */
    private V lastRead;
    private boolean lastReadCurrent;
    /**
     * How deep this thread is in user code that works on this entry's native memory: a
     * {@link #putValueBytes} writer, or a value deserializer reading the committed bytes in place. While it
     * is, the entry may not be closed or changed: a close could free the memory under the user code's
     * buffer (the map closed meanwhile, the hold was the last pin) or hand the key to another thread mid-write.
     */
    private short userCodeDepth;

    HeldEntry(
        final OffHeapLockMap<K, V> map, final Shard shard, final int ref, final long hash, final K key, final Scratch scratch)
    {
        this.scratch = scratch;
        this.owner = EntryLayout.owner(Shard.PID, Thread.currentThread().threadId());
        this.map = map;
        this.shard = shard;
        this.ref = ref;
        this.entry = shard.address(ref);
        this.hash = hash;
        this.key = key;
        this.fixedValues = map.hasFixedSizeValues();
        this.wordValues = map.hasWordValues();
    }

    Shard shard()
    {
        return shard;
    }

    int ref()
    {
        return ref;
    }

    long hash()
    {
        return hash;
    }

    long entryAddress()
    {
        return entry;
    }

    public K key()
    {
        return key;
    }

    public V get()
    {
        checkUsable();
        if (wordValues)
        {
            return getWord();
        }
        final long address = valueAddress();
        if (address == 0)
        {
            return null;
        }
        final UnsafeBuffer view = scratch.view;
        view.wrap(address, valueLength());
        userCodeDepth++;
        try
        {
            lastRead = map.decodeValue(view, view.capacity(), null, false);
            lastReadCurrent = true;
            return lastRead;
        }
        finally
        {
            userCodeDepth--;
            view.wrap(EMPTY);
        }
    }

    private V getWord()
    {
        if (!present())
        {
            return null;
        }
        lastRead = map.decodeWord(pending == PUT ? pendingWord : shard.values().committedWord(entry),
            shard.values().committedLength(entry), scratch.word);
        lastReadCurrent = true;
        return lastRead;
    }

    public boolean isPresent()
    {
        checkUsable();
        return present();
    }

    private boolean present()
    {
        return switch (pending)
        {
            case PUT -> true;
            case REMOVE -> false;
            default -> shard.values().isPresent(entry);
        };
    }

    public V put(final V value)
    {
        Objects.requireNonNull(value, "value");
        final V previous = previousValue(value);
        final int length = map.serializeValue(value, scratch.value, false);
        writePending(length, null, scratch.value);
        return previous;
    }

    public V remove()
    {
        checkNotInUserCode();
        final V previous = previousValue(null);
        dropPendingBlock();
        pending = REMOVE;
        forgetReads();
        return previous;
    }

    /**
     * The value before a change: what {@link #get()} last decoded if nothing changed since, so that
     * {@code e.put(e.get() + 1)} decodes once; decoded again if the caller passes that same object back
     * (it may have mutated it).
     */
    private V previousValue(final V newValue)
    {
        if (lastReadCurrent && !closed && lastRead != newValue)
        {
            map.checkOpen();
            return lastRead;
        }
        return get();
    }

    public V getOrPut(final Supplier<? extends V> supplier)
    {
        final V existing = get();
        if (existing != null)
        {
            return existing;
        }
        final V value = Objects.requireNonNull(supplier.get(), "the supplier returned null");
        put(value);
        return value;
    }

    public DirectBuffer valueBytes()
    {
        checkUsable();
        if (!present())
        {
            return null;
        }
        if (flyweight == null)
        {
            flyweight = new UnsafeBuffer(EMPTY);
        }
        if (wordValues && pending == PUT)
        {
            if (pendingBytes == null)
            {
                pendingBytes = new byte[Long.BYTES];
            }
            flyweight.wrap(pendingBytes, 0, shard.values().committedLength(entry));
            Scratch.writeWord(pendingWord, flyweight);
        }
        else
        {
            flyweight.wrap(valueAddress(), valueLength());
        }
        return flyweight;
    }

    public void putValueBytes(final int length, final Consumer<? super MutableDirectBuffer> writer)
    {
        Objects.requireNonNull(writer, "writer");
        map.checkValueLength(length);
        writePending(length, writer, null);
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        checkClosingThread();
        forgetReads();
        // One store and the key's release, no shard lock.
        if (staysPresentWord() &&
            map.releaseWordWithoutShardLock(scratch.guard, shard, entry, ref, pending == PUT, pendingWord))
        {
            pending = NONE;
            closed = true;
            return;
        }
        map.release(this);
        // Also when release() found the shard's memory freed (the map closed): later calls see a closed entry.
        closed = true;
    }

    /**
     * @return true for a word value of a key that has a value before and after this hold's change, which
     *         neither the present flag nor the size sees: committed by one store without the shard lock.
     */
    private boolean staysPresentWord()
    {
        return wordValues && pending != REMOVE && shard.values().isPresent(entry);
    }

    /**
     * @throws IllegalStateException if the calling thread did not lock this entry, or if it is inside user
     *                               code working on the entry's memory ({@link #userCodeDepth}).
     */
    void checkClosingThread()
    {
        if (owner != EntryLayout.owner(Shard.PID, Thread.currentThread().threadId()))
        {
            throw new IllegalStateException(
                "a LockedEntry is closed by the thread that locked it; " + Thread.currentThread() + " did not");
        }
        checkNotInUserCode();
    }

    /**
     * Commits the last change without releasing the key (a batch publishes all its keys first).
     */
    void publish()
    {
        if (closed || pending == NONE)
        {
            return;
        }
        // One store, as close() makes it, no shard lock (pending is PUT here: NONE returned above). The batch's
        // first release (a full fence) orders it before any of the batch's keys is free again.
        if (staysPresentWord() && !map.isClosed())
        {
            shard.values().commitPresentWord(entry, pendingWord);
            pending = NONE;
            return;
        }
        map.publish(this);
    }

    /**
     * Under the shard lock: makes the last change the committed value.
     */
    void commit()
    {
        if (pending == PUT)
        {
            if (wordValues)
            {
                shard.values().commitWord(entry, pendingWord);
            }
            else if (fixedValues)
            {
                shard.values().commitSpareSlot(entry);
            }
            else
            {
                shard.values().commitBlock(entry, pendingRef, pendingLength);
                pendingRef = 0;
            }
        }
        else if (pending == REMOVE)
        {
            shard.values().clearValue(entry);
        }
        pending = NONE;
    }

    /**
     * Writes a pending value from {@code source} (already serialized, cannot fail) or with {@code writer}.
     */
    private void writePending(
        final int length, final Consumer<? super MutableDirectBuffer> writer, final UnsafeBuffer source)
    {
        checkUsable();
        checkNotInUserCode();
        if (writer != null && writeTarget == null)
        {
            writeTarget = new UnsafeBuffer(EMPTY);
        }
        // One small method per layout: the put path must stay small enough to inline, or the JIT can no
        // longer scalar-replace a held entry that its caller closes.
        if (wordValues)
        {
            pendingWord = source != null ? Scratch.readWord(source, length) : writeWord(length, writer, writeTarget);
        }
        else if (fixedValues)
        {
            writeSpareSlot(length, writer, source, writeTarget);
        }
        else
        {
            writeBlock(length, writer, source, writeTarget);
        }
        pending = PUT;
        forgetReads();
    }

    /**
     * Two-slot values: writes the spare slot; restores it if a writer throws.
     */
    private void writeSpareSlot(
        final int length, final Consumer<? super MutableDirectBuffer> writer, final UnsafeBuffer source,
        final UnsafeBuffer target)
    {
        final long spare = shard.values().spareSlotAddress(entry);
        if (source != null)
        {
            Scratch.copyToNative(source, length, spare);
            return;
        }
        if (pending == PUT)
        {
            // The spare slot holds this holder's last put: keep a copy in case the writer fails.
            if (spareBackup == null)
            {
                spareBackup = new UnsafeBuffer(new byte[length]);
            }
            Scratch.copyFromNative(spare, length, spareBackup);
        }
        target.wrap(spare, length);
        try
        {
            runWriter(writer, target);
        }
        catch (final RuntimeException | Error ex)
        {
            if (pending == PUT)
            {
                Scratch.copyToNative(spareBackup, length, spare);
            }
            throw ex;
        }
        finally
        {
            target.wrap(EMPTY);
        }
    }

    /**
     * Variable-size values: writes a new block, which replaces the previous pending one.
     */
    private void writeBlock(
        final int length, final Consumer<? super MutableDirectBuffer> writer, final UnsafeBuffer source,
        final UnsafeBuffer target)
    {
        final int block = map.allocateBlock(shard, length);
        if (source != null)
        {
            Scratch.copyToNative(source, length, shard.address(block));
        }
        else
        {
            target.wrap(shard.address(block), length);
            try
            {
                runWriter(writer, target);
            }
            catch (final RuntimeException | Error ex)
            {
                map.freeBlock(shard, block, length);
                throw ex;
            }
            finally
            {
                target.wrap(EMPTY);
            }
        }
        dropPendingBlock();
        pendingRef = block;
        pendingLength = length;
    }

    /**
     * Runs a writer over this entry's own 8 bytes; nothing changes if it throws.
     *
     * @return the word it wrote.
     */
    private long writeWord(final int length, final Consumer<? super MutableDirectBuffer> writer, final UnsafeBuffer target)
    {
        if (writerBytes == null)
        {
            writerBytes = new byte[Long.BYTES];
        }
        target.wrap(writerBytes, 0, length);
        try
        {
            runWriter(writer, target);
            return Scratch.readWord(target, length);
        }
        finally
        {
            target.wrap(EMPTY);
        }
    }

    private void runWriter(final Consumer<? super MutableDirectBuffer> writer, final UnsafeBuffer target)
    {
        userCodeDepth++;
        try
        {
            writer.accept(target);
        }
        finally
        {
            userCodeDepth--;
        }
    }

    private void checkNotInUserCode()
    {
        if (userCodeDepth != 0)
        {
            throw insideUserCode();
        }
    }

    private static IllegalStateException insideUserCode()
    {
        return new IllegalStateException(
            "a LockedEntry cannot be closed or changed from inside its own putValueBytes writer or value deserializer");
    }

    private void dropPendingBlock()
    {
        if (pendingRef != 0)
        {
            map.freeBlock(shard, pendingRef, pendingLength);
            pendingRef = 0;
        }
    }

    /**
     * Not for a pending word value, which is in {@link #pendingWord}, not in native memory.
     */
    private long valueAddress()
    {
        assert !(wordValues && pending == PUT) : "a pending word value has no address";
        return switch (pending)
        {
            case PUT -> fixedValues ? shard.values().spareSlotAddress(entry) : shard.address(pendingRef);
            case REMOVE -> 0;
            default -> shard.values().isPresent(entry) ? shard.values().committedAddress(entry) : 0;
        };
    }

    private int valueLength()
    {
        return pending == PUT && !fixedValues ? pendingLength : shard.values().committedLength(entry);
    }

    private void forgetReads()
    {
        lastReadCurrent = false;
        lastRead = null;
        if (flyweight != null)
        {
            flyweight.wrap(EMPTY);
        }
    }

    private void checkUsable()
    {
        if (closed)
        {
            throw new IllegalStateException("this LockedEntry is closed; lock the key again");
        }
        map.checkOpen();
    }

    @Override
    public String toString()
    {
        return "LockedEntry[" + key + (closed ? ", closed]" : "]");
    }
}
