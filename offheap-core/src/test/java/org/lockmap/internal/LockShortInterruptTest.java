package org.lockmap.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shard lock's wait ({@link Futex#lockShort}) keeps a real interrupt and drops the one that freeing
 * the lock word's memory sets. Found by a review: the shard then cleared the real one as well, so a
 * {@code lock()} interrupted while the map closed under it lost the interrupt.
 */
class LockShortInterruptTest
{
    @AfterEach
    void clearStatus()
    {
        Thread.interrupted();
    }

    /**
     * A word held by someone else; its first get-and-set runs {@code first}, its second simulates the
     * freeing of its memory: the access fails and the thread is interrupted.
     */
    private static FutexWord freedOnSecondGetAndSet(final Runnable first)
    {
        return new FutexWord()
        {
            private int getAndSets;

            public boolean compareAndSet(final int expected, final int value)
            {
                return false;
            }

            public int getAndSet(final int value)
            {
                if (++getAndSets == 1)
                {
                    first.run();
                    return Futex.CONTENDED;
                }
                Thread.currentThread().interrupt();
                throw new IllegalStateException("test: the word's memory was freed");
            }

            public int getVolatile()
            {
                // Not the value the lot parks on, so the wait returns at once.
                return Futex.HELD;
            }
        };
    }

    @Test
    void anInterruptDuringTheWaitIsKeptWhenTheWordIsFreed()
    {
        final FutexWord word = freedOnSecondGetAndSet(() -> Thread.currentThread().interrupt());
        assertThrows(IllegalStateException.class, () -> Futex.lockShort(word, new ParkingLot(), 1));
        assertTrue(Thread.interrupted(), "the interrupt that arrived during the wait");
    }

    @Test
    void theFreeingsOwnInterruptIsDropped()
    {
        final FutexWord word = freedOnSecondGetAndSet(() -> { });
        assertThrows(IllegalStateException.class, () -> Futex.lockShort(word, new ParkingLot(), 1));
        assertFalse(Thread.interrupted(), "only the freeing interrupted this thread");
    }

    @Test
    void theCallersInterruptIsKeptWhenTheWordIsFreed()
    {
        final FutexWord word = freedOnSecondGetAndSet(() -> { });
        Thread.currentThread().interrupt();
        assertThrows(IllegalStateException.class, () -> Futex.lockShort(word, new ParkingLot(), 1));
        assertTrue(Thread.interrupted(), "interrupted before the call");
    }
}
