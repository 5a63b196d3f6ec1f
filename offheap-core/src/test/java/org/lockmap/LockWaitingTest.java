package org.lockmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;
import org.lockmap.support.Threads;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How waiting for a key ends: {@code tryLock} refuses at once, timed waits give up after (not before)
 * the timeout, interruptible waits throw {@link InterruptedException} holding nothing, and {@code lock}
 * ignores interrupts but keeps the interrupt status.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockWaitingTest
{
    private LockMap<Long, Long> map;

    @BeforeEach
    void build()
    {
        map = Maps.longs();
    }

    @AfterEach
    void close()
    {
        map.close();
    }

    @Test
    void tryLockReturnsNullAtOnceWhenAnotherThreadHoldsTheKey() throws Throwable
    {
        map.put(1L, 1L);
        try (LockedEntry<Long, Long> held = map.lock(1L))
        {
            final long elapsedNanos = Threads.start("tryLock", () ->
            {
                final long start = System.nanoTime();
                for (int i = 0; i < 100; i++)
                {
                    assertNull(map.tryLock(1L));
                }
                return System.nanoTime() - start;
            }).await(Duration.ofSeconds(10));
            assertTrue(elapsedNanos < TimeUnit.MILLISECONDS.toNanos(500),
                "100 refused tryLocks took " + TimeUnit.NANOSECONDS.toMillis(elapsedNanos) + " ms: tryLock waits");
            held.put(2L);
        }
        assertEquals(2L, map.get(1L));
    }

    @Test
    void timedTryLockGivesUpAfterTheTimeoutNotBefore() throws Throwable
    {
        try (LockedEntry<Long, Long> held = map.lock(1L))
        {
            for (final long timeoutMs : new long[] {0, 10, 200})
            {
                final long elapsedMs = Threads.start("tryLock(" + timeoutMs + "ms)", () ->
                {
                    final long start = System.nanoTime();
                    assertNull(map.tryLock(1L, timeoutMs, TimeUnit.MILLISECONDS));
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }).await(Duration.ofSeconds(10));
                assertTrue(elapsedMs >= timeoutMs * 95 / 100, "tryLock(" + timeoutMs + " ms) gave up after " + elapsedMs + " ms");
                assertTrue(elapsedMs < timeoutMs + 2_000, "tryLock(" + timeoutMs + " ms) gave up after " + elapsedMs + " ms");
            }
            assertNotNull(held);
        }
    }

    @Test
    void timedTryLockSucceedsWhenTheHolderReleasesInTime() throws Throwable
    {
        final LockedEntry<Long, Long> held = map.lock(1L);
        held.put(42L);
        final Threads.Async<Long> waiter = Threads.start("tryLock(10s)", () ->
        {
            try (LockedEntry<Long, Long> e = map.tryLock(1L, 10, TimeUnit.SECONDS))
            {
                assertNotNull(e);
                return e.get();
            }
        });
        Threads.settle(50);
        final long released = System.nanoTime();
        held.close();
        assertEquals(42L, waiter.await(Duration.ofSeconds(5)), "the waiter sees the holder's published value");
        assertTrue(System.nanoTime() - released < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void interruptingATimedTryLockThrowsAndLeavesNothingHeld() throws Throwable
    {
        assertInterruptedWaitHoldsNothing(() -> map.tryLock(1L, 30, TimeUnit.SECONDS));
    }

    @Test
    void interruptingLockInterruptiblyThrowsAndLeavesNothingHeld() throws Throwable
    {
        assertInterruptedWaitHoldsNothing(() -> map.lockInterruptibly(1L));
    }

    @Test
    void interruptingATimedTryLockAllThrowsAndLeavesNothingHeld() throws Throwable
    {
        assertInterruptedWaitHoldsNothing(() -> map.tryLockAll(List.of(0L, 1L, 2L), 30, TimeUnit.SECONDS));
    }

    /** A wait that may be interrupted. */
    @FunctionalInterface
    private interface Wait
    {
        AutoCloseable call() throws InterruptedException;
    }

    private void assertInterruptedWaitHoldsNothing(final Wait wait) throws Throwable
    {
        final LockedEntry<Long, Long> held = map.lock(1L);
        final Threads.Async<String> waiter = Threads.start("waiter", () ->
        {
            try
            {
                final AutoCloseable got = wait.call();
                if (got != null)
                {
                    got.close();
                }
                return "returned " + got + " instead of throwing InterruptedException";
            }
            catch (final InterruptedException expected)
            {
                // Holds nothing: locking the same keys again is not a re-lock, and waits like anyone else.
                final LockedEntry<Long, Long> again = map.tryLock(1L);
                if (again != null)
                {
                    again.close();
                    return "took key 1 after the interrupt although the holder still has it";
                }
                try (LockedEntry<Long, Long> zero = map.tryLock(0L))
                {
                    return zero == null ? "key 0 left held" : "ok";
                }
            }
        });
        Threads.awaitBlocked(waiter.thread(), Duration.ofSeconds(5));
        waiter.thread().interrupt();
        assertEquals("ok", waiter.await(Duration.ofSeconds(10)));
        held.close();
        for (final long k : new long[] {0, 1, 2})
        {
            assertTrue(Probe.isFree(map, k), "key " + k + " is free after the interrupted waiter gave up");
        }
        assertTrue(map.isEmpty());
    }

    @Test
    void lockIgnoresInterruptsWhileWaitingButKeepsTheInterruptStatus() throws Throwable
    {
        final LockedEntry<Long, Long> held = map.lock(1L);
        held.put(7L);
        final Threads.Async<Boolean> waiter = Threads.start("lock", () ->
        {
            try (LockedEntry<Long, Long> e = map.lock(1L))
            {
                assertEquals(7L, e.get());
                return Thread.currentThread().isInterrupted();
            }
        });
        Threads.awaitBlocked(waiter.thread(), Duration.ofSeconds(5));
        waiter.thread().interrupt();
        Threads.settle(200);
        assertFalse(waiter.isDone(), "lock() returned or threw on interrupt while the key was held");
        held.close();
        assertTrue(waiter.await(Duration.ofSeconds(10)), "interrupt status kept after lock() returned");
    }

    @Test
    void lockAllIgnoresInterruptsWhileWaitingButKeepsTheInterruptStatus() throws Throwable
    {
        final LockedEntry<Long, Long> held = map.lock(2L);
        final Threads.Async<Boolean> waiter = Threads.start("lockAll", () ->
        {
            try (BatchLock<Long, Long> b = map.lockAll(List.of(1L, 2L, 3L)))
            {
                assertEquals(3, b.size());
                return Thread.currentThread().isInterrupted();
            }
        });
        Threads.awaitBlocked(waiter.thread(), Duration.ofSeconds(5));
        waiter.thread().interrupt();
        Threads.settle(200);
        assertFalse(waiter.isDone(), "lockAll returned or threw on interrupt while a key was held");
        held.close();
        assertTrue(waiter.await(Duration.ofSeconds(10)), "interrupt status kept after lockAll returned");
    }

    @Test
    void writesThroughTheMapWaitForTheHolderAndReadsDoNot() throws Throwable
    {
        map.put(1L, 1L);
        final LockedEntry<Long, Long> held = map.lock(1L);
        held.put(2L);
        final Threads.Async<Long> putter = Threads.start("put", () -> map.put(1L, 3L));
        final Threads.Async<Long> merger = Threads.start("merge", () -> map.merge(1L, 10L, Long::sum));
        Threads.awaitBlocked(putter.thread(), Duration.ofSeconds(5));
        Threads.awaitBlocked(merger.thread(), Duration.ofSeconds(5));
        final long start = System.nanoTime();
        assertEquals(1L, Probe.getFromAnotherThread(map, 1L), "a reader gets the last released value");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "a reader waited for the holder");
        assertFalse(putter.isDone() || merger.isDone(), "a write went through while the key was held");
        held.close();
        final Long putPrevious = putter.await(Duration.ofSeconds(10));
        final Long merged = merger.await(Duration.ofSeconds(10));
        // Either order is fine; both writes must see the holder's value and each other, not lose one.
        if (putPrevious == 2L)
        {
            assertEquals(13L, merged);
            assertEquals(13L, map.get(1L));
        }
        else
        {
            assertEquals(12L, putPrevious);
            assertEquals(12L, merged);
            assertEquals(3L, map.get(1L));
        }
    }

    @Test
    void waitersAreNotLostWhenManyQueueOnOneKey() throws Throwable
    {
        final LockedEntry<Long, Long> held = map.lock(1L);
        final List<Threads.Async<Long>> waiters = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            waiters.add(Threads.start("waiter-" + i, () -> map.merge(1L, 1L, Long::sum)));
        }
        for (final Threads.Async<Long> w : waiters)
        {
            Threads.awaitBlocked(w.thread(), Duration.ofSeconds(5));
        }
        held.close();
        for (final Threads.Async<Long> w : waiters)
        {
            w.await(Duration.ofSeconds(10));
        }
        assertEquals(8L, map.get(1L));
        assertTrue(Probe.isFree(map, 1L));
    }

    @Test
    void lockInterruptiblyOnAFreeKeyByAnInterruptedThreadDoesNotLeaveTheKeyHeld() throws Throwable
    {
        final String outcome = Threads.start("interrupted", () ->
        {
            Thread.currentThread().interrupt();
            try
            {
                final LockedEntry<Long, Long> e = map.lockInterruptibly(1L);
                e.close();
                return "took";
            }
            catch (final InterruptedException ex)
            {
                return "threw";
            }
        }).await(Duration.ofSeconds(10));
        assertTrue(outcome.equals("took") || outcome.equals("threw"), outcome);
        assertTrue(Probe.isFree(map, 1L), "key left held after lockInterruptibly by an interrupted thread (" + outcome + ")");
    }
}
