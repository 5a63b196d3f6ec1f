package org.lockmap.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a map's native memory mapped while threads read it without a shard lock. A reader names the map
 * in its own guard (a volatile write) and then checks that the map is open; {@code close()} marks the
 * map closed and then waits until no guard names it, before any memory is freed. Both sides write, then
 * read what the other writes, with volatile accesses, so either the reader sees the map closed or close
 * sees the reader. One guard per thread (in its {@link Scratch}); readers write only their own.
 */
final class ReadGuard
{
    private static final VarHandle READING;
    private static final ConcurrentLinkedQueue<WeakReference<ReadGuard>> ALL = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger REGISTERED = new AtomicInteger();
    private static final int PURGE_EVERY = 1024;
    private static final int SPINS = 1_000;
    private static final int YIELDS = 100;
    private static final long SLEEP_NANOS = 20_000;

    static
    {
        try
        {
            READING = MethodHandles.lookup().findVarHandle(ReadGuard.class, "reading", Object.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The map this thread is reading without a lock, or null. */
    @SuppressWarnings("unused")
    private volatile Object reading;

    ReadGuard()
    {
        ALL.add(new WeakReference<>(this));
        // Atomic counter, no ordering needed: every so many threads, drop the guards of threads that are gone.
        if (REGISTERED.incrementAndGet() % PURGE_EVERY == 0)
        {
            ALL.removeIf(reference -> reference.get() == null);
        }
    }

    /**
     * Announces a read of {@code map}; the caller then checks that the map is open.
     *
     * @param map the map.
     */
    void enter(final Object map)
    {
        // Volatile write, then the caller's volatile read of closed: a Dekker pair with close()'s CAS, then guard read.
        reading = map;
    }

    /**
     * Ends the read.
     */
    void exit()
    {
        // Release store: the read's loads complete before close() can see this guard free.
        READING.setRelease(this, null);
    }

    /**
     * Waits until no thread reads {@code map} without a lock; called by its close after marking it closed.
     *
     * @param map the map.
     */
    static void awaitReaders(final Object map)
    {
        for (final Iterator<WeakReference<ReadGuard>> it = ALL.iterator(); it.hasNext(); )
        {
            final ReadGuard guard = it.next().get();
            if (guard == null)
            {
                it.remove();
                continue;
            }
            // Volatile reads: a reader that entered before the closed flag was set is seen here. Its read
            // is bounded (a probe of one table), so this spins for microseconds, unless the reader's thread
            // was descheduled mid-read: then it yields, and then sleeps in short steps, so that close()
            // does not burn the core that the reader needs to finish.
            for (int spins = 0; guard.reading == map; spins = Math.min(spins + 1, SPINS + YIELDS))
            {
                if (spins < SPINS)
                {
                    Thread.onSpinWait();
                }
                else if (spins < SPINS + YIELDS)
                {
                    Thread.yield();
                }
                else
                {
                    // Returns at once if this thread is interrupted: then it only spins, as before.
                    LockSupport.parkNanos(SLEEP_NANOS);
                }
            }
        }
    }
}
