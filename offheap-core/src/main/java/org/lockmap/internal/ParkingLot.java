package org.lockmap.internal;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process futex emulation: threads park keyed by the identity of a lock word and are woken by key.
 * Like the kernel's futex hash table, waiters are kept in buckets chosen by key; a waiter checks the
 * word under its bucket's lock before it parks, and a waker takes the same lock after changing the word,
 * so no wake is lost. Parking uses {@link LockSupport}, so a waiting virtual thread unmounts.
 *
 * <p>Thread-safe. Closing the lot wakes every waiter; waits on a closed lot return at once.
 */
public final class ParkingLot
{
    private static final int BUCKETS = 64;

    private final Bucket[] buckets = new Bucket[BUCKETS];
    /** Volatile: set before close wakes everyone, so a waiter that wakes or arrives later sees it. */
    private volatile boolean closed;

    /**
     * Creates an empty lot.
     */
    public ParkingLot()
    {
        for (int i = 0; i < BUCKETS; i++)
        {
            buckets[i] = new Bucket();
        }
    }

    /**
     * Parks while the word holds {@code expected}, until woken, the deadline, an interrupt or close.
     * May return spuriously; callers recheck their condition.
     *
     * @param key      the word's identity.
     * @param word     the word.
     * @param expected the value that means "keep waiting".
     * @param deadline a {@link System#nanoTime()} deadline, or {@link Long#MAX_VALUE}.
     */
    public void await(final long key, final FutexWord word, final int expected, final long deadline)
    {
        final Bucket bucket = bucket(key);
        final Waiter waiter = new Waiter(key, Thread.currentThread());
        bucket.lock.lock();
        try
        {
            // Volatile reads under the bucket lock: a close or release before them is seen; one after finds this waiter.
            if (closed || word.getVolatile() != expected)
            {
                return;
            }
            bucket.add(waiter);
        }
        finally
        {
            bucket.lock.unlock();
        }
        // Volatile reads: woken and closed are set before their unpark, so park's spurious returns recheck and park again.
        while (!waiter.woken && !closed && !Thread.currentThread().isInterrupted())
        {
            if (deadline == Long.MAX_VALUE)
            {
                LockSupport.park(this);
            }
            else
            {
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0)
                {
                    break;
                }
                LockSupport.parkNanos(this, remaining);
            }
        }
        // Volatile read: true means a waker unlinked this waiter; a wake racing a false read makes remove() a no-op.
        if (!waiter.woken)
        {
            bucket.lock.lock();
            try
            {
                bucket.remove(waiter);
            }
            finally
            {
                bucket.lock.unlock();
            }
        }
    }

    /**
     * Wakes one thread parked on the key, if any.
     *
     * @param key the word's identity.
     */
    public void wakeOne(final long key)
    {
        final Bucket bucket = bucket(key);
        Waiter woken = null;
        bucket.lock.lock();
        try
        {
            for (Waiter w = bucket.head; w != null; w = w.next)
            {
                if (w.key == key)
                {
                    bucket.remove(w);
                    // Volatile write before unpark: the parked thread's loop sees it and stops parking.
                    w.woken = true;
                    woken = w;
                    break;
                }
            }
        }
        finally
        {
            bucket.lock.unlock();
        }
        if (woken != null)
        {
            LockSupport.unpark(woken.thread);
        }
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        // Volatile read: a close by any thread is seen.
        return closed;
    }

    /**
     * Wakes every waiter and makes later waits return at once.
     */
    public void close()
    {
        // Volatile write before the bucket locks: a waiter that checks under one afterwards sees it and never parks.
        closed = true;
        for (final Bucket bucket : buckets)
        {
            bucket.lock.lock();
            try
            {
                while (bucket.head != null)
                {
                    final Waiter w = bucket.head;
                    bucket.remove(w);
                    // Volatile write before unpark: the parked thread's loop sees it and stops parking.
                    w.woken = true;
                    LockSupport.unpark(w.thread);
                }
            }
            finally
            {
                bucket.lock.unlock();
            }
        }
    }

    private Bucket bucket(final long key)
    {
        final long h = key * 0x9E3779B97F4A7C15L;
        return buckets[(int)(h >>> 58)];
    }

    private static final class Waiter
    {
        final long key;
        final Thread thread;
        /** Volatile: set under the bucket lock by the waker, read by the parked thread without it. */
        volatile boolean woken;
        Waiter prev;
        Waiter next;

        Waiter(final long key, final Thread thread)
        {
            this.key = key;
            this.thread = thread;
        }
    }

    private static final class Bucket
    {
        final ReentrantLock lock = new ReentrantLock();
        Waiter head;
        Waiter tail;

        void add(final Waiter w)
        {
            w.prev = tail;
            if (tail == null)
            {
                head = w;
            }
            else
            {
                tail.next = w;
            }
            tail = w;
        }

        void remove(final Waiter w)
        {
            if (w.prev == null && head != w)
            {
                return;
            }
            if (w.prev == null)
            {
                head = w.next;
            }
            else
            {
                w.prev.next = w.next;
            }
            if (w.next == null)
            {
                tail = w.prev;
            }
            else
            {
                w.next.prev = w.prev;
            }
            w.prev = null;
            w.next = null;
        }
    }
}
