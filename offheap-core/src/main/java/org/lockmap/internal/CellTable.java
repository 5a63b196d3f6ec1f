package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * A shard's hash table whose cells are the entries themselves, for maps whose entries have one small
 * fixed size ({@link EntryLayout#cellSize}): a lookup reads one cache line where a {@link HashTable} reads
 * a slot and then the entry it points to. Its ref and capacity are in the shard header
 * ({@link ShardLayout#TABLE_REF}, {@link ShardLayout#TABLE_CAPACITY}), like a {@code HashTable}'s.
 *
 * <pre>
 *   cell i is at table + i * cellSize; cellSize is 16, 32 or 64, and cell 0 is aligned to it, so no cell
 *   straddles a cache line. A cell holds an entry's layout ({@link EntryLayout}):
 *   0                   4                   8                                  16
 *   +-------------------+-------------------+----------------------------------+
 *   | lock word (futex) | waiters:24 flags:8| owner; a forwarder's target ref  |
 *   +-------------------+-------------------+----------------------------------+
 *  16 | key bytes | value slot(s)                                                |
 *   +--------------------------------------------------------------------------+
 *   and is one of, by its flags:
 *     empty      no flag, lock word DEAD             ends a probe
 *     live       FLAG_LIVE                           an entry; its lock word free, held or contended
 *     tombstone  FLAG_TOMBSTONE, lock word DEAD      a removed entry's cell: probes pass it, inserts reuse it
 *     forwarder  FLAG_FORWARD, lock word DEAD, key   the key's entry is elsewhere: in an older table, where
 *                and the entry's ref at 8            it was held or waited for when that table was replaced
 * </pre>
 *
 * Open addressing with linear probing, a key's home cell its hash's low 32 bits scaled to the capacity
 * (as in {@code HashTable}), and no tags: a probe compares the key in the cell, on the line it reads anyway.
 *
 * <p><b>Entries that move.</b> A removal leaves a tombstone, so removals move nothing. When entries,
 * tombstones and displaced cells would fill the table over 3/4, it is rebuilt ({@link #makeRoomFor}): in
 * place, tombstones dropped, if entries fill at most 3/8 of it (or it is the largest table), else into a
 * new table twice as large. A cell moves only if it is free with no waiter: its lock word is CASed from
 * free to DEAD first, so a thread that found it without the shard lock and tries to take it fails and
 * looks again. A held or waited-for cell stays where it is, since its holder and waiters use its ref,
 * and a forwarder to it goes on its key's probe (in a new table; in place, the cell is marked
 * displaced); the next rebuild moves it if it is free by then.
 *
 * <p><b>Retired tables are never allocated again</b>: a thread that found a cell without the shard lock
 * may CAS its lock word after the table was replaced, and must hit a lock word, never a value or a
 * table of some other shape. Their pages, except those with a forwarded entry, are given back to the
 * operating system ({@link ShardMemory#discard}); they read as zeros afterwards: a free lock word with no
 * {@link EntryLayout#FLAG_LIVE}, which {@link Shard#lockFound} checks after such a CAS. A map grown from a
 * small hint so keeps address space, not memory, for the tables it outgrew.
 *
 * <p>Thread-safety: every method runs under the shard lock. The probes without it are the shard's
 * ({@link Shard#readOptimistic}, {@link Shard#collectPresent}), through the header and {@link HashTable#home}, with every address bounds-checked and what they read validated against the shard's version.
 */
final class CellTable
{
    /** The largest cell. */
    static final int MAX_CELL = 64;
    /** The cell's entry was removed. */
    static final int FLAG_TOMBSTONE = 16;
    /** The cell points to its key's entry, at {@link EntryLayout#OWNER}. */
    static final int FLAG_FORWARD = 32;
    /**
     * A live cell that a same-size rebuild left where it was (held or waited for), away from its key's
     * probe: a forwarder on the probe points to it, and walks count it through that forwarder.
     */
    static final int FLAG_DISPLACED = 64;
    /** The flags that say what a cell is; none: empty. */
    static final int KIND = EntryLayout.FLAG_LIVE | FLAG_TOMBSTONE | FLAG_FORWARD;

    private static final int[] NO_PINS = new int[0];

    private final ShardMemory memory;
    private final EntryLayout layout;
    private final long header;
    private final int cellSize;
    private final int shift;
    private final int units;
    private final int keyLength;
    private final int maxCapacity;

    /**
     * @param memory   the shard's memory, whose header holds the table's ref and capacity.
     * @param layout   the map's entry layout, with a fixed key size.
     * @param cellSize {@link EntryLayout#cellSize}, a power of two from 16 to {@link #MAX_CELL}.
     */
    CellTable(final ShardMemory memory, final EntryLayout layout, final int cellSize)
    {
        this.memory = memory;
        this.layout = layout;
        this.header = memory.headerAddress();
        this.cellSize = cellSize;
        this.shift = Integer.numberOfTrailingZeros(cellSize);
        this.units = cellSize / Long.BYTES;
        this.keyLength = layout.fixedKeySize;
        final int largest = ((ShardMemory.MAX_BLOCK - cellSize) >> shift) & ~7;
        // Volatile read: a cap set by the test thread is seen.
        this.maxCapacity = TestHooks.ENABLED && TestHooks.maxCells > 0 ? Math.min(largest, TestHooks.maxCells) : largest;
    }

    /**
     * Allocates the first, empty table; once, when the shard is built.
     *
     * @param capacity its cells, at least 16.
     */
    void create(final int capacity)
    {
        final int ref = allocate(Math.min(capacity, maxCapacity));
        UnsafeApi.putInt(header + ShardLayout.TABLE_REF, ref);
        UnsafeApi.putInt(header + ShardLayout.TABLE_CAPACITY, Math.min(capacity, maxCapacity));
    }

    /**
     * @return the number of cells.
     */
    int capacity()
    {
        return UnsafeApi.getInt(header + ShardLayout.TABLE_CAPACITY);
    }

    /**
     * @return log2 of the cell size: cell {@code i} is {@code i << shift()} bytes into the table.
     */
    int shift()
    {
        return shift;
    }

    /**
     * @return the cell size in 8-byte ref units: cell {@code i}'s ref is the table's plus {@code i * units()}.
     */
    int units()
    {
        return units;
    }

    /**
     * The key's entry.
     *
     * @param key    the key's bytes.
     * @param length the key's length, the layout's fixed size.
     * @param hash   the key's hash.
     * @return the ref of the key's entry (its cell, or where its forwarder points), or 0.
     */
    int find(final UnsafeBuffer key, final int length, final long hash)
    {
        final int capacity = capacity();
        final int table = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long base = memory.address(table);
        for (int i = HashTable.home((int)hash, capacity); ; i = HashTable.next(i, capacity))
        {
            final long cell = base + ((long)i << shift);
            final int kind = UnsafeApi.getInt(cell + EntryLayout.STATE) & KIND;
            if (kind == 0)
            {
                return 0;
            }
            if (kind != FLAG_TOMBSTONE && Scratch.equalsNative(cell + layout.keyOffset, key, length))
            {
                return kind == FLAG_FORWARD ? UnsafeApi.getInt(cell + EntryLayout.OWNER) : table + i * units;
            }
        }
    }

    /**
     * The cell a new entry goes in, after {@link #makeRoomFor} and a {@link #find} that found nothing: the
     * first tombstone or empty cell on the key's probe. Its lock word is DEAD.
     *
     * @param hash the key's hash.
     * @return the cell's ref.
     */
    int claim(final long hash)
    {
        final int capacity = capacity();
        final int table = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long base = memory.address(table);
        for (int i = HashTable.home((int)hash, capacity); ; i = HashTable.next(i, capacity))
        {
            final int kind = UnsafeApi.getInt(base + ((long)i << shift) + EntryLayout.STATE) & KIND;
            if (kind == FLAG_TOMBSTONE)
            {
                addExtraCells(-1);
                return table + i * units;
            }
            if (kind == 0)
            {
                return table + i * units;
            }
        }
    }

    /**
     * Removes an entry, with no waiter, whose lock word the caller holds or has made DEAD: its cell becomes
     * a tombstone, or, for a forwarded entry, its forwarder does and the entry stops being live.
     *
     * @param hash its key's hash.
     * @param ref  the entry.
     */
    void delete(final long hash, final int ref)
    {
        final int capacity = capacity();
        final int table = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long entry = memory.address(ref);
        final boolean inTable = ((ref - table) & 0xFFFF_FFFFL) < (long)capacity * units;
        if (inTable && (UnsafeApi.getInt(entry + EntryLayout.STATE) & FLAG_DISPLACED) == 0)
        {
            tombstone(entry);
            return;
        }
        final long base = memory.address(table);
        for (int i = HashTable.home((int)hash, capacity); ; i = HashTable.next(i, capacity))
        {
            final long cell = base + ((long)i << shift);
            final int kind = UnsafeApi.getInt(cell + EntryLayout.STATE) & KIND;
            if (kind == 0)
            {
                throw new IllegalStateException("a LockMap shard has no forwarder for entry " + ref + ": its table is corrupt");
            }
            if (kind == FLAG_FORWARD && UnsafeApi.getInt(cell + EntryLayout.OWNER) == ref)
            {
                tombstone(cell);
                if (inTable)
                {
                    // The displaced cell was already an extra cell (besides its entry's forwarder).
                    tombstone(entry);
                    addExtraCells(-1);
                }
                else
                {
                    UnsafeApi.putInt(entry + EntryLayout.STATE, 0);
                }
                return;
            }
        }
    }

    /**
     * For walks of the whole table (close).
     *
     * @param i a cell index.
     * @return the ref of the entry cell {@code i} stands for (itself, or a forwarder's target), or 0.
     */
    int entryAt(final int i)
    {
        final int table = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long cell = memory.address(table) + ((long)i << shift);
        final int kind = UnsafeApi.getInt(cell + EntryLayout.STATE) & KIND;
        return kind == EntryLayout.FLAG_LIVE && (UnsafeApi.getInt(cell + EntryLayout.STATE) & FLAG_DISPLACED) == 0 ?
            table + i * units : kind == FLAG_FORWARD ? UnsafeApi.getInt(cell + EntryLayout.OWNER) : 0;
    }

    /**
     * For tests: what the table's cells are.
     *
     * @return live cells in place, displaced live cells, forwarders, tombstones.
     */
    int[] census()
    {
        final int[] counts = new int[4];
        final long base = memory.address(UnsafeApi.getInt(header + ShardLayout.TABLE_REF));
        for (int i = 0; i < capacity(); i++)
        {
            final int state = UnsafeApi.getInt(base + ((long)i << shift) + EntryLayout.STATE);
            final int kind = state & KIND;
            if (kind == EntryLayout.FLAG_LIVE)
            {
                counts[(state & FLAG_DISPLACED) == 0 ? 0 : 1]++;
            }
            else if (kind != 0)
            {
                counts[kind == FLAG_FORWARD ? 2 : 3]++;
            }
        }
        return counts;
    }

    /**
     * Rebuilds the table if {@code entries} and the extra cells (tombstones, displaced entries' second
     * cells) would fill it over 3/4: in place if the entries fill at most 3/8 of it, so that even with
     * every entry held (two cells each) the rebuild has room; else into a table twice as large (where a
     * held entry takes one cell, its forwarder); at the largest table, in place if the entries and the
     * held ones leave room. Every probe so always meets an empty cell.
     *
     * @param entries the entry count after the insert to come.
     * @throws IllegalStateException if the largest table is full; its entries and values are as they
     *                               were (it may have been rebuilt in place). While held entries keep it
     *                               full, each refused insert pays for one rebuild attempt.
     */
    void makeRoomFor(final long entries)
    {
        final int capacity = capacity();
        if (!overFull(entries, capacity))
        {
            return;
        }
        if (entries * 8 <= (long)capacity * 3 && rebuildInPlace() && !overFull(entries, capacity))
        {
            return;
        }
        if (capacity < maxCapacity)
        {
            replace((int)Math.min(2L * capacity, maxCapacity));
            return;
        }
        if (!rebuildInPlace() || overFull(entries, capacity))
        {
            throw new IllegalStateException("a LockMap shard's table is full at " + capacity +
                " cells (its largest, with " + (entries - 1) + " entries); build the map with more shards()");
        }
    }

    private boolean overFull(final long entries, final int capacity)
    {
        return (entries + UnsafeApi.getInt(header + ShardLayout.EXTRA_CELLS)) * 4 > (long)capacity * 3;
    }

    /**
     * Drops the tombstones without a new table, so that churn costs no address space: every cell that can
     * move is claimed (DEAD) and copied aside, the table emptied, and the copies placed again. A held or
     * waited-for cell stays where it is, {@link #FLAG_DISPLACED}, with a forwarder on its key's probe. A
     * thread that found a cell without the shard lock before this and takes its word afterwards finds
     * another key there (or the same key's entry), as with a reused entry.
     *
     * @return false, with the table as it was, if the entries and the held ones (two cells each) would
     *         fill it over 3/4.
     */
    private boolean rebuildInPlace()
    {
        final int capacity = capacity();
        final int table = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long base = memory.address(table);
        final long entries = UnsafeApi.getLong(header + ShardLayout.ENTRY_COUNT);
        final int asideBytes = (int)Math.max(cellSize, entries << shift);
        // From the free lists (unlike a table's exact block), so that every rebuild reuses the last one's space.
        final int aside = memory.allocate(asideBytes);
        final long asideBase = memory.address(aside);
        int n = 0;
        int displaced = 0;
        for (int i = 0; i < capacity; i++)
        {
            final long cell = base + ((long)i << shift);
            final int state = UnsafeApi.getInt(cell + EntryLayout.STATE);
            final int kind = state & KIND;
            if (kind == EntryLayout.FLAG_LIVE && (state & FLAG_DISPLACED) == 0)
            {
                final long copy = asideBase + ((long)n++ << shift);
                if (claimToMove(cell))
                {
                    UnsafeApi.copyMemory(cell, copy, cellSize);
                }
                else
                {
                    forwarderImage(copy, cell, table + i * units);
                    displaced++;
                }
            }
            else if (kind == FLAG_FORWARD)
            {
                final long copy = asideBase + ((long)n++ << shift);
                final int targetRef = UnsafeApi.getInt(cell + EntryLayout.OWNER);
                final long target = memory.address(targetRef);
                if (claimToMove(target))
                {
                    UnsafeApi.copyMemory(target, copy, cellSize);
                }
                else
                {
                    UnsafeApi.copyMemory(cell, copy, cellSize);
                    displaced += ((targetRef - table) & 0xFFFF_FFFFL) < (long)capacity * units ? 1 : 0;
                }
            }
        }
        if ((long)(n + displaced) * 4 > (long)capacity * 3)
        {
            undoClaims(base, capacity);
            memory.free(aside, asideBytes);
            return false;
        }
        for (int i = 0; i < capacity; i++)
        {
            final long cell = base + ((long)i << shift);
            final int state = UnsafeApi.getInt(cell + EntryLayout.STATE);
            // Plain read: a word that is not DEAD belongs to a cell that stays (held or waited for), whose
            // forwarder is aside; nobody but this thread makes a word DEAD.
            if ((state & KIND) != EntryLayout.FLAG_LIVE || UnsafeApi.getInt(cell + EntryLayout.LOCK_WORD) == EntryLayout.DEAD)
            {
                UnsafeApi.putInt(cell + EntryLayout.STATE, 0);
            }
            else
            {
                UnsafeApi.putInt(cell + EntryLayout.STATE, state | FLAG_DISPLACED);
            }
        }
        for (int c = 0; c < n; c++)
        {
            place(base, capacity, asideBase + ((long)c << shift));
        }
        // A displaced entry takes two cells, itself and its forwarder; one forwarded to an older table, one.
        UnsafeApi.putInt(header + ShardLayout.EXTRA_CELLS, displaced);
        memory.free(aside, asideBytes);
        return true;
    }

    /**
     * Frees again every word a rebuild in place claimed: the live cells of this table and the entries its
     * forwarders point to (a live cell's word is DEAD only while claimed, under the shard lock).
     */
    private void undoClaims(final long base, final int capacity)
    {
        for (int i = 0; i < capacity; i++)
        {
            final long cell = base + ((long)i << shift);
            final int kind = UnsafeApi.getInt(cell + EntryLayout.STATE) & KIND;
            final long entry = kind == FLAG_FORWARD ? memory.address(UnsafeApi.getInt(cell + EntryLayout.OWNER)) : cell;
            if ((kind == EntryLayout.FLAG_LIVE || kind == FLAG_FORWARD) &&
                UnsafeApi.getInt(entry + EntryLayout.LOCK_WORD) == EntryLayout.DEAD)
            {
                // Release store: the word is free again, with the cell as it was.
                UnsafeApi.putIntRelease(null, entry + EntryLayout.LOCK_WORD, Futex.FREE);
            }
        }
    }

    /** Writes a forwarder to {@code target} for the key in {@code keyCell} at {@code image}. */
    private void forwarderImage(final long image, final long keyCell, final int target)
    {
        UnsafeApi.putInt(image + EntryLayout.LOCK_WORD, EntryLayout.DEAD);
        UnsafeApi.putInt(image + EntryLayout.STATE, FLAG_FORWARD);
        UnsafeApi.putInt(image + EntryLayout.OWNER, target);
        UnsafeApi.copyMemory(keyCell + layout.keyOffset, image + layout.keyOffset, keyLength);
    }

    /**
     * Copies a live cell or a forwarder into the first empty cell of its key's probe; a live one becomes
     * free and not displaced there, a forwarder keeps its DEAD word.
     */
    private void place(final long base, final int capacity, final long image)
    {
        final long cell = emptyCell(base, capacity, image);
        UnsafeApi.copyMemory(image, cell, cellSize);
        final int state = UnsafeApi.getInt(cell + EntryLayout.STATE);
        if ((state & KIND) != EntryLayout.FLAG_LIVE)
        {
            return;
        }
        UnsafeApi.putInt(cell + EntryLayout.STATE, state & ~FLAG_DISPLACED);
        // Release store: the cell's state and key are visible before its word is free. A thread that found
        // another key here before a rebuild in place may CAS the word at once, and then checks them.
        UnsafeApi.putIntRelease(null, cell + EntryLayout.LOCK_WORD, Futex.FREE);
    }

    private void replace(final int newCapacity)
    {
        final int oldCapacity = capacity();
        final int oldTable = UnsafeApi.getInt(header + ShardLayout.TABLE_REF);
        final long oldBase = memory.address(oldTable);
        final int newTable = allocate(newCapacity);
        final long newBase = memory.address(newTable);
        int[] pinned = NO_PINS;
        int pins = 0;
        for (int i = 0; i < oldCapacity; i++)
        {
            final long cell = oldBase + ((long)i << shift);
            final int kind = UnsafeApi.getInt(cell + EntryLayout.STATE) & KIND;
            if (kind == EntryLayout.FLAG_LIVE && (UnsafeApi.getInt(cell + EntryLayout.STATE) & FLAG_DISPLACED) != 0)
            {
                continue;
            }
            if (kind == EntryLayout.FLAG_LIVE)
            {
                if (claimToMove(cell))
                {
                    place(newBase, newCapacity, cell);
                }
                else
                {
                    forwardInto(newBase, newCapacity, cell, oldTable + i * units);
                    pinned = append(pinned, pins++, i);
                }
            }
            else if (kind == FLAG_FORWARD)
            {
                final int target = UnsafeApi.getInt(cell + EntryLayout.OWNER);
                final long entry = memory.address(target);
                if (claimToMove(entry))
                {
                    place(newBase, newCapacity, entry);
                }
                else
                {
                    forwardInto(newBase, newCapacity, cell, target);
                    final long index = ((target - oldTable) & 0xFFFF_FFFFL) / units;
                    if (index < oldCapacity)
                    {
                        pinned = append(pinned, pins++, (int)index);
                    }
                }
            }
        }
        Arrays.sort(pinned, 0, pins);
        UnsafeApi.putInt(header + ShardLayout.TABLE_REF, newTable);
        UnsafeApi.putInt(header + ShardLayout.TABLE_CAPACITY, newCapacity);
        UnsafeApi.putInt(header + ShardLayout.EXTRA_CELLS, 0);
        retire(oldBase, oldCapacity, pinned, pins);
    }

    /** {@code array} with {@code value} at {@code index}, grown if full. */
    private static int[] append(final int[] array, final int index, final int value)
    {
        final int[] to = index < array.length ? array : Arrays.copyOf(array, Math.max(4, 2 * index));
        to[index] = value;
        return to;
    }

    /**
     * Claims a live cell for a move: free, with no waiter (the count changes only under the shard lock).
     */
    private boolean claimToMove(final long entry)
    {
        // Volatile CAS (full fence): from free to DEAD, so that a thread that found the cell without the
        // shard lock cannot take it once it is copied; fails if a thread holds it.
        return UnsafeApi.getInt(entry + EntryLayout.STATE) >>> 8 == 0 &&
            UnsafeApi.compareAndSetInt(null, entry + EntryLayout.LOCK_WORD, Futex.FREE, EntryLayout.DEAD);
    }

    private void forwardInto(final long base, final int capacity, final long keyCell, final int target)
    {
        final long cell = emptyCell(base, capacity, keyCell);
        UnsafeApi.copyMemory(keyCell + layout.keyOffset, cell + layout.keyOffset, keyLength);
        UnsafeApi.putInt(cell + EntryLayout.OWNER, target);
        UnsafeApi.putInt(cell + EntryLayout.STATE, FLAG_FORWARD);
    }

    /** The first empty cell on the probe of the key in {@code keyCell}, in a new table. */
    private long emptyCell(final long base, final int capacity, final long keyCell)
    {
        final long hash = KeyHash.hashNative(keyCell + layout.keyOffset, keyLength);
        for (int i = HashTable.home((int)hash, capacity); ; i = HashTable.next(i, capacity))
        {
            final long cell = base + ((long)i << shift);
            if ((UnsafeApi.getInt(cell + EntryLayout.STATE) & KIND) == 0)
            {
                return cell;
            }
        }
    }

    /**
     * Gives back the pages of a replaced table, except those of its cells that stay (held or waited for
     * when it was replaced, and now forwarded to); never frees the table for reuse (see the class comment).
     */
    private void retire(final long base, final int capacity, final int[] pinned, final int pins)
    {
        // In 4 KiB steps: discard() rounds each range inwards to the real pages, so with larger pages no page
        // that holds a pinned cell is given back either.
        long from = base;
        for (int p = 0; p < pins; p++)
        {
            final long page = (base + ((long)pinned[p] << shift)) & -4096L;
            if (page > from)
            {
                memory.discard(from, page - from);
            }
            from = Math.max(from, page + 4096);
        }
        final long end = base + ((long)capacity << shift);
        if (end > from)
        {
            memory.discard(from, end - from);
        }
    }

    /** A new table: every cell empty, its lock word DEAD; cell 0 aligned to the cell size. */
    private int allocate(final int capacity)
    {
        final int raw = memory.allocateExact((capacity << shift) + cellSize);
        final long start = memory.address(raw);
        final int table = raw + (int)(((-start) & (cellSize - 1)) / Long.BYTES);
        final long base = memory.address(table);
        UnsafeApi.setMemory(base, (long)capacity << shift, (byte)0);
        for (int i = 0; i < capacity; i++)
        {
            UnsafeApi.putInt(base + ((long)i << shift) + EntryLayout.LOCK_WORD, EntryLayout.DEAD);
        }
        return table;
    }

    private void tombstone(final long cell)
    {
        UnsafeApi.putInt(cell + EntryLayout.STATE, FLAG_TOMBSTONE);
        addExtraCells(1);
    }

    private void addExtraCells(final int delta)
    {
        UnsafeApi.putInt(header + ShardLayout.EXTRA_CELLS, UnsafeApi.getInt(header + ShardLayout.EXTRA_CELLS) + delta);
    }
}
