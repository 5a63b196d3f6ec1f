package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads and commits the values of a shard's entries, in the form the map's {@link EntryLayout} gives them:
 * one 8-byte word in the entry, two fixed-size slots in the entry (the committed one named by
 * {@link EntryLayout#FLAG_SLOT_B}), or a block of its own (its ref and length in the entry). Committing a
 * value to an entry that had none, or clearing one, counts it in the shard header's
 * {@link ShardLayout#SIZE}.
 *
 * <p>Thread-safety: the methods that say "under the lock" run under the shard lock, and on an entry whose
 * key the caller holds or that nobody holds. The ones named "optimistic" run without the lock, with every
 * address bounds-checked, for a caller that validates what it read against the shard's version.
 * {@link #isPresent}, {@link #committedWord} and {@link #commitPresentWord} are also for a holder without
 * the shard lock.
 */
public final class EntryValues
{
    private final ShardMemory memory;
    private final EntryLayout layout;
    private final long header;

    /**
     * @param memory the shard's memory.
     * @param layout the map's entry layout.
     */
    EntryValues(final ShardMemory memory, final EntryLayout layout)
    {
        this.memory = memory;
        this.layout = layout;
        this.header = memory.headerAddress();
    }

    /**
     * Read by a holder without the shard lock too: the flag bits change only under the key (or for an
     * idle key, under the shard lock), and an aligned int read never tears, so the waiter count that
     * shares the word may change meanwhile without harm.
     *
     * @param entry an entry's address.
     * @return true if it has a committed value.
     */
    public boolean isPresent(final long entry)
    {
        return (UnsafeApi.getInt(entry + EntryLayout.STATE) & EntryLayout.FLAG_PRESENT) != 0;
    }

    /**
     * @param entry an entry's address.
     * @return the committed value's address (meaningful only if present).
     */
    public long committedAddress(final long entry)
    {
        if (layout.fixedValueSize >= 0)
        {
            return slotAddress(entry, !layout.wordValue &&
                (UnsafeApi.getInt(entry + EntryLayout.STATE) & EntryLayout.FLAG_SLOT_B) != 0);
        }
        return memory.address(UnsafeApi.getInt(entry + layout.valueRefOffset));
    }

    /**
     * @param entry an entry's address.
     * @return the committed value's length (meaningful only if present).
     */
    public int committedLength(final long entry)
    {
        return layout.fixedValueSize >= 0 ? layout.fixedValueSize : UnsafeApi.getInt(entry + layout.valueLengthOffset);
    }

    /**
     * Word values: the committed value's word (meaningful only if present).
     *
     * @param entry an entry's address.
     * @return the word.
     */
    public long committedWord(final long entry)
    {
        return UnsafeApi.getLong(slotAddress(entry, false));
    }

    /**
     * Two-slot fixed-size values: the slot a holder may write, the one not committed.
     *
     * @param entry an entry's address.
     * @return the spare slot's address.
     */
    public long spareSlotAddress(final long entry)
    {
        assert !layout.wordValue : "word values have one slot";
        return slotAddress(entry, (UnsafeApi.getInt(entry + EntryLayout.STATE) & EntryLayout.FLAG_SLOT_B) == 0);
    }

    private long slotAddress(final long entry, final boolean slotB)
    {
        return entry + layout.valueSlotOffset(layout.keyLength(entry)) + (slotB ? layout.valueSlotStride : 0);
    }

    /**
     * Under the lock: copies the committed value into {@code out}.
     *
     * @param entry an entry with a value.
     * @param out   where to copy.
     * @return the value's length.
     */
    public int copyCommitted(final long entry, final UnsafeBuffer out)
    {
        final int length = committedLength(entry);
        if (layout.wordValue)
        {
            // One load: a holder may commit the word meanwhile without the shard lock.
            Scratch.copyWordFromNative(committedAddress(entry), out);
            return length;
        }
        Scratch.copyFromNative(committedAddress(entry), length, out);
        return length;
    }

    /**
     * Under the lock: makes {@code value} the committed value.
     *
     * @param entry  the entry.
     * @param value  the new value's bytes.
     * @param length their length.
     */
    public void commit(final long entry, final UnsafeBuffer value, final int length)
    {
        if (layout.wordValue)
        {
            commitWord(entry, Scratch.readWord(value, length));
        }
        else if (layout.fixedValueSize >= 0)
        {
            Scratch.copyToNative(value, length, spareSlotAddress(entry));
            commitSpareSlot(entry);
        }
        else
        {
            final int ref = memory.allocate(length);
            Scratch.copyToNative(value, length, memory.address(ref));
            commitBlock(entry, ref, length);
        }
    }

    /**
     * Under the lock, word values: {@code word} becomes the committed value, in one 8-byte store.
     *
     * @param entry the entry.
     * @param word  the value's word ({@link Scratch#readWord}).
     */
    public void commitWord(final long entry, final long word)
    {
        // The same single store as a holder's commit without the shard lock; then the present flag and size.
        commitPresentWord(entry, word);
        final int flags = UnsafeApi.getInt(entry + EntryLayout.STATE);
        if ((flags & EntryLayout.FLAG_PRESENT) == 0)
        {
            addSize(1);
            UnsafeApi.putInt(entry + EntryLayout.STATE, flags | EntryLayout.FLAG_PRESENT);
        }
    }

    /**
     * Word values: {@code word} becomes the committed value, in one 8-byte store, which readers see whole,
     * old or new, because they copy a word value with one 8-byte load ({@link Scratch#copyWordFromNative}).
     * It changes no flag and no size, so a holder may call it under the key alone (no shard lock) only for
     * a present entry; {@link #commitWord} calls it under the shard lock for any entry. The holder's
     * release of the key word publishes it to the key's next holder.
     *
     * @param entry the entry.
     * @param word  the value's word ({@link Scratch#readWord}).
     */
    public void commitPresentWord(final long entry, final long word)
    {
        // A plain aligned 8-byte store: readers copy the word with one load, and a crash sees the old word or
        // the new.
        UnsafeApi.putLong(slotAddress(entry, false), word);
    }

    /**
     * Under the lock, two-slot fixed-size values: the spare slot, already written, becomes the committed value.
     *
     * @param entry the entry.
     */
    public void commitSpareSlot(final long entry)
    {
        final int flags = UnsafeApi.getInt(entry + EntryLayout.STATE);
        if ((flags & EntryLayout.FLAG_PRESENT) == 0)
        {
            addSize(1);
        }
        UnsafeApi.putInt(entry + EntryLayout.STATE, (flags ^ EntryLayout.FLAG_SLOT_B) | EntryLayout.FLAG_PRESENT);
    }

    /**
     * Under the lock, variable-size values: the block, already written, becomes the committed value and
     * the previous one is freed.
     *
     * @param entry  the entry.
     * @param ref    the value's block.
     * @param length the value's length.
     */
    public void commitBlock(final long entry, final int ref, final int length)
    {
        final int flags = UnsafeApi.getInt(entry + EntryLayout.STATE);
        if ((flags & EntryLayout.FLAG_PRESENT) == 0)
        {
            addSize(1);
        }
        else
        {
            memory.free(UnsafeApi.getInt(entry + layout.valueRefOffset), UnsafeApi.getInt(entry + layout.valueLengthOffset));
        }
        UnsafeApi.putInt(entry + layout.valueRefOffset, ref);
        UnsafeApi.putInt(entry + layout.valueLengthOffset, length);
        UnsafeApi.putInt(entry + EntryLayout.STATE, flags | EntryLayout.FLAG_PRESENT);
    }

    /**
     * Under the lock: removes the committed value, if any.
     *
     * @param entry the entry.
     */
    public void clearValue(final long entry)
    {
        final int flags = UnsafeApi.getInt(entry + EntryLayout.STATE);
        if ((flags & EntryLayout.FLAG_PRESENT) != 0)
        {
            if (layout.fixedValueSize < 0)
            {
                memory.free(UnsafeApi.getInt(entry + layout.valueRefOffset), UnsafeApi.getInt(entry + layout.valueLengthOffset));
            }
            UnsafeApi.putInt(entry + EntryLayout.STATE, flags & ~EntryLayout.FLAG_PRESENT);
            addSize(-1);
        }
    }

    /**
     * Without the lock: copies the committed value of a present entry into {@code out}.
     *
     * @param ref       the entry's ref.
     * @param entry     its address, readable up to the end of its key.
     * @param keyLength its key's length, as the caller checked it.
     * @param out       where the value goes.
     * @return the value's length, or {@link Shard#RETRY} if the state read was torn or the value is longer
     *         than {@code out}.
     */
    int copyCommittedOptimistic(final int ref, final long entry, final int keyLength, final UnsafeBuffer out)
    {
        final int valueLength = committedLengthOptimistic(ref, entry);
        final long address = valueLength < 0 || valueLength > out.capacity() ? 0 :
            committedAddressOptimistic(ref, entry, keyLength, valueLength);
        if (address == 0)
        {
            return Shard.RETRY;
        }
        if (layout.wordValue)
        {
            // One load: a holder may commit the word meanwhile without the shard lock or a version change.
            Scratch.copyWordFromNative(address, out);
            return valueLength;
        }
        Scratch.copyFromNative(address, valueLength, out);
        return valueLength;
    }

    /**
     * Copies the committed value of a present entry into the batch's last entry, unless it is longer
     * than {@link EntryBatch#VALUE_BYTES_MAX} (then the batch's reader looks it up).
     *
     * @return false if the state read was torn or impossible.
     */
    boolean copyCommittedInto(final int ref, final long entry, final int keyLength, final EntryBatch out)
    {
        final int valueLength = committedLengthOptimistic(ref, entry);
        if (valueLength > EntryBatch.VALUE_BYTES_MAX)
        {
            return true;
        }
        final long address = valueLength < 0 ? 0 : committedAddressOptimistic(ref, entry, keyLength, valueLength);
        if (address == 0)
        {
            return false;
        }
        if (layout.wordValue)
        {
            // One load: a holder may commit the word meanwhile without the shard lock or a version change.
            out.addValueWord(UnsafeApi.getLong(address), valueLength);
        }
        else
        {
            out.addValue(address, valueLength);
        }
        return true;
    }

    /**
     * Without the lock (or under it): the committed value's length, read with bounds checks.
     *
     * @return the length, or {@link Shard#RETRY} if the entry lies outside the shard's memory or the length is
     *         negative (a torn read).
     */
    private int committedLengthOptimistic(final int ref, final long entry)
    {
        if (layout.fixedValueSize >= 0)
        {
            return layout.fixedValueSize;
        }
        if (memory.readableAddress(ref, layout.valueRefOffset + (long)Integer.BYTES) == 0)
        {
            return Shard.RETRY;
        }
        final int valueLength = UnsafeApi.getInt(entry + layout.valueLengthOffset);
        return valueLength < 0 ? Shard.RETRY : valueLength;
    }

    /**
     * Without the lock (or under it): the committed value's address, bounds-checked.
     *
     * @param valueLength from {@link #committedLengthOptimistic}, at least 0.
     * @return the address, or 0 if the value lies outside the shard's memory (a torn read).
     */
    private long committedAddressOptimistic(final int ref, final long entry, final int keyLength, final int valueLength)
    {
        if (layout.fixedValueSize >= 0)
        {
            if (memory.readableAddress(ref, layout.entrySize(keyLength)) == 0)
            {
                return 0;
            }
            // From the key length already checked: the entry's own may have changed since (a removed
            // entry's block reused), and an address computed from it would not be bounds-checked.
            final boolean slotB = !layout.wordValue &&
                (UnsafeApi.getInt(entry + EntryLayout.STATE) & EntryLayout.FLAG_SLOT_B) != 0;
            return entry + layout.valueSlotOffset(keyLength) + (slotB ? layout.valueSlotStride : 0);
        }
        return memory.readableAddress(UnsafeApi.getInt(entry + layout.valueRefOffset), valueLength);
    }

    private void addSize(final long delta)
    {
        UnsafeApi.putLong(header + ShardLayout.SIZE, UnsafeApi.getLong(header + ShardLayout.SIZE) + delta);
    }
}
