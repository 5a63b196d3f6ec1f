package org.lockmap.internal;

/**
 * The contended path of a futex mutex (Drepper, "Futexes Are Tricky", mutex 2) over a {@link FutexWord}:
 * 0 free, 1 held, 2 held with waiters. Lock is one CAS 0 to 1 when free; unlock is one get-and-set to 0,
 * followed by a wake only if the old value was 2. A waiter spins briefly, then sets the word to 2 and
 * parks in a {@link ParkingLot} until woken, retrying with get-and-set to 2 so that the releaser always
 * knows a waiter may exist.
 */
public final class Futex
{
    /** The lock is free. */
    public static final int FREE = 0;
    /** The lock is held and nobody waits. */
    public static final int HELD = 1;
    /** The lock is held and a waiter may be parked. */
    public static final int CONTENDED = 2;

    /** The outcome of a wait. */
    public enum Outcome
    {
        /** The caller holds the lock. */
        ACQUIRED,
        /** The deadline passed. */
        TIMED_OUT,
        /** The thread was interrupted and the wait was interruptible. */
        INTERRUPTED,
        /** The parking lot was closed (its map is closing). */
        CLOSED
    }

    private static final int SPINS = 64;

    private Futex()
    {
    }

    /**
     * Waits for the lock. An uninterruptible wait keeps an interrupt as the thread's interrupt status.
     *
     * @param word          the lock word.
     * @param lot           where to park.
     * @param waitKey       the word's identity in the lot.
     * @param deadline      a {@link System#nanoTime()} deadline, or {@link Long#MAX_VALUE} for none.
     * @param interruptible whether an interrupt ends the wait.
     * @return how the wait ended.
     */
    public static Outcome lock(
        final FutexWord word, final ParkingLot lot, final long waitKey, final long deadline, final boolean interruptible)
    {
        for (int i = 0; i < SPINS; i++)
        {
            // Volatile read then CAS (full fence): test-and-test-and-set; the CAS acquires the previous release.
            if (word.getVolatile() == FREE && word.compareAndSet(FREE, HELD))
            {
                return Outcome.ACQUIRED;
            }
            Thread.onSpinWait();
        }
        boolean interrupted = false;
        try
        {
            // Get-and-set to 2 (full fence): announces a waiter, so the release wakes one; an old 0 acquires the lock.
            while (word.getAndSet(CONTENDED) != FREE)
            {
                if (lot.isClosed())
                {
                    return Outcome.CLOSED;
                }
                final long now = System.nanoTime();
                if (deadline != Long.MAX_VALUE && now - deadline >= 0)
                {
                    // A wake meant for this thread may have arrived as it gave up: pass it on.
                    lot.wakeOne(waitKey);
                    return Outcome.TIMED_OUT;
                }
                lot.await(waitKey, word, CONTENDED, deadline);
                if (Thread.interrupted())
                {
                    if (interruptible)
                    {
                        lot.wakeOne(waitKey);
                        return Outcome.INTERRUPTED;
                    }
                    interrupted = true;
                }
            }
            return Outcome.ACQUIRED;
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Takes a lock that is held only for short, bounded work: spin, then park, never give up. Not
     * interruptible: the caller's interrupt status, and any interrupt during the wait, are kept. If the
     * word's memory is freed under the wait ({@link IllegalStateException}), the status that the freeing
     * sets is dropped and those are still kept.
     *
     * @param word    the lock word.
     * @param lot     where to park.
     * @param waitKey the word's identity in the lot.
     */
    public static void lockShort(final FutexWord word, final ParkingLot lot, final long waitKey)
    {
        // The caller's interrupt status is set aside while this waits (a set status would keep park from
        // parking) and given back on the way out, with any interrupt that arrives meanwhile.
        boolean interrupted = Thread.interrupted();
        try
        {
            for (int i = 0; i < SPINS; i++)
            {
                // Volatile read then CAS (full fence): test-and-test-and-set; the CAS acquires the previous release.
                if (word.getVolatile() == FREE && word.compareAndSet(FREE, HELD))
                {
                    return;
                }
                Thread.onSpinWait();
            }
            // Get-and-set to 2 (full fence): announces a waiter, so the release wakes one; an old 0 acquires the lock.
            while (word.getAndSet(CONTENDED) != FREE)
            {
                lot.await(waitKey, word, CONTENDED, Long.MAX_VALUE);
                interrupted |= Thread.interrupted();
            }
        }
        catch (final IllegalStateException freed)
        {
            // The word's memory was freed under the wait, which also interrupts the threads that touch it:
            // drop that status; the finally gives back the caller's and any real one.
            Thread.interrupted();
            throw freed;
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
