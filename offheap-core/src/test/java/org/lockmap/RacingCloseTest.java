package org.lockmap;

import org.junit.jupiter.api.Test;
import org.lockmap.support.Maps;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by review: the release was decided by the owner word alone, which names the thread, not the
 * hold, so a second close racing the owner's could free the owner's next hold of the same key. Closes
 * from a thread other than the locking one are now refused outright.
 */
class RacingCloseTest
{
    /**
     * Threads A and B close the same entry at once (B's close is refused); A then takes the key again and
     * keeps it until B has tried to take it too. Mutual exclusion is checked with a count of threads inside the key.
     */
    @Test
    void aRacingSecondCloseDoesNotReleaseTheOwnersNextHold() throws Exception
    {
        try (LockMap<Long, Long> map = Maps.longs())
        {
            map.put(1L, 0L);
            final AtomicReference<LockedEntry<Long, Long>> handoff = new AtomicReference<>();
            final AtomicInteger go = new AtomicInteger();
            final AtomicInteger done = new AtomicInteger();
            final AtomicInteger inside = new AtomicInteger();
            final AtomicInteger violations = new AtomicInteger();
            final AtomicInteger stolen = new AtomicInteger();
            final AtomicInteger refused = new AtomicInteger();
            final int rounds = 50_000;
            final Thread b = new Thread(() ->
            {
                for (int round = 1; round <= rounds; round++)
                {
                    while (go.get() != round)
                    {
                        Thread.onSpinWait();
                    }
                    try
                    {
                        handoff.get().close();
                    }
                    catch (final IllegalStateException expected)
                    {
                        refused.incrementAndGet();
                    }
                    final LockedEntry<Long, Long> mine = map.tryLock(1L);
                    if (mine != null)
                    {
                        stolen.incrementAndGet();
                        if (inside.incrementAndGet() != 1)
                        {
                            violations.incrementAndGet();
                        }
                        inside.decrementAndGet();
                        mine.close();
                    }
                    done.set(round);
                }
            });
            b.start();
            int relocked = 0;
            for (int round = 1; round <= rounds; round++)
            {
                final LockedEntry<Long, Long> first = map.lock(1L);
                handoff.set(first);
                go.set(round);
                first.close();
                final LockedEntry<Long, Long> again = map.tryLock(1L);
                if (again != null)
                {
                    relocked++;
                    if (inside.incrementAndGet() != 1)
                    {
                        violations.incrementAndGet();
                    }
                }
                while (done.get() != round)
                {
                    Thread.onSpinWait();
                }
                if (again != null)
                {
                    inside.decrementAndGet();
                    again.close();
                }
            }
            b.join();
            // B's close is a no-op when A's close came first, and refused when it sees the entry open.
            assertTrue(refused.get() > 0, "B's closes of A's open entries refused");
            assertEquals(0, violations.get(), "two holders of one key; A re-locked " + relocked + " times, B " + stolen.get());
            assertTrue(relocked > 0 && stolen.get() > 0, "both sides took the key sometimes: " + relocked + ", " + stolen.get());
        }
    }
}
