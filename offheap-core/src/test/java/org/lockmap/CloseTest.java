package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.DecimalLongs;
import org.lockmap.support.Maps;
import org.lockmap.support.Threads;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code close()} is safe while other threads use the map: nothing crashes (a crash kills the test JVM
 * and fails the build), every thread ends with success or {@link IllegalStateException}, waiting threads
 * wake with one, and every operation afterwards throws it.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseTest
{
    private static final long KEYS = 256;

    @Test
    void closingWhileEightThreadsHammerTheMapEndsEveryThreadWithSuccessOrIllegalStateException() throws Throwable
    {
        for (int round = 0; round < 5; round++)
        {
            hammerAndClose(round, Maps.longs());
        }
    }

    @Test
    void closingWhileThreadsHammerAMapOfVariableSizeValuesEndsEveryThreadWithSuccessOrIllegalStateException()
        throws Throwable
    {
        for (int round = 0; round < 5; round++)
        {
            hammerAndClose(round, LockMap.builder(Serializers.longs(), DecimalLongs.INSTANCE).build());
        }
    }

    private static void hammerAndClose(final int round, final LockMap<Long, Long> map) throws Throwable
    {
        for (long k = 0; k < KEYS; k++)
        {
            map.put(k, k);
        }
        final AtomicLong opsBeforeClose = new AtomicLong();
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicBoolean closeCalled = new AtomicBoolean();
        final CountDownLatch running = new CountDownLatch(8);
        final Threads.Async<Void> closer = Threads.start("closer", () ->
        {
            running.await();
            Thread.sleep(100 + round * 50L);
            closeCalled.set(true);
            map.close();
            closed.set(true);
            return null;
        });
        Workers.run(8, Duration.ofSeconds(60), t ->
        {
            final SplittableRandom random = new SplittableRandom(t * 1000L + round);
            running.countDown();
            int afterClose = 0;
            while (afterClose < 50)
            {
                final boolean wasClosed = closed.get();
                try
                {
                    randomOperation(map, random, t);
                    if (wasClosed)
                    {
                        throw new AssertionError("an operation succeeded after close() had returned");
                    }
                    opsBeforeClose.incrementAndGet();
                }
                catch (final IllegalStateException expected)
                {
                    if (!closeCalled.get())
                    {
                        throw new AssertionError("IllegalStateException before close() was called: " + expected, expected);
                    }
                    afterClose++;
                    // A spurious interrupt left by close() is pinned down by its own test below; clear it
                    // here so that it does not surface as an InterruptedException from a later tryLock.
                    Thread.interrupted();
                }
            }
        });
        closer.await(Duration.ofSeconds(10));
        assertTrue(opsBeforeClose.get() > 0);
        assertTrue(map.isClosed());
        assertDoesNotThrow(map::close, "close is idempotent");
    }

    private static void randomOperation(final LockMap<Long, Long> map, final SplittableRandom random, final int t)
        throws Exception
    {
        final long key = random.nextLong(KEYS);
        switch (random.nextInt(14))
        {
            case 0 -> map.get(key);
            case 1 -> map.put(key, random.nextLong());
            case 2 -> map.remove(key);
            case 3 -> map.merge(key, 1L, Long::sum);
            case 4 ->
            {
                try (LockedEntry<Long, Long> e = map.lock(key))
                {
                    e.put(e.get() == null ? 0L : e.get() + 1);
                    Thread.onSpinWait();
                }
            }
            case 5 ->
            {
                final LockedEntry<Long, Long> e = map.tryLock(key);
                if (e != null)
                {
                    try (LockedEntry<Long, Long> held = e)
                    {
                        held.put(1L);
                    }
                }
            }
            case 6 ->
            {
                final LockedEntry<Long, Long> e = map.tryLock(key, 5, TimeUnit.MILLISECONDS);
                if (e != null)
                {
                    e.close();
                }
            }
            case 7 ->
            {
                try (BatchLock<Long, Long> b = map.lockAll(List.of(key, (key + 1) % KEYS, (key * 7) % KEYS)))
                {
                    b.forEach(e -> e.put(e.key()));
                }
            }
            case 8 ->
            {
                // Weakly consistent, even while closing: never a key twice, never one that was not put.
                final java.util.Set<Long> seen = new java.util.HashSet<>();
                for (final Map.Entry<Long, Long> e : map.entrySet())
                {
                    // Keys below KEYS, and the default case's below KEYS * 9 (eight workers).
                    assertTrue(e.getKey() >= 0 && e.getKey() < KEYS * 9, "iteration returned key " + e.getKey());
                    assertTrue(seen.add(e.getKey()), "iteration returned key " + e.getKey() + " twice");
                }
            }
            case 9 ->
            {
                final Iterator<Long> it = map.keySet().iterator();
                for (int i = 0; i < 10 && it.hasNext(); i++)
                {
                    if (it.next() == key)
                    {
                        it.remove();
                    }
                }
            }
            case 10 -> map.size();
            case 11 -> map.containsKey(key);
            case 12 -> map.compute(key, (k, v) -> v == null ? 1L : null);
            default -> map.set(key + KEYS * (t + 1), key);
        }
    }

    /**
     * close() must not leave a thread that was using the map with an interrupt status it did not have:
     * that thread's next blocking call (a sleep, a queue take, a timed tryLock on another map) would
     * throw InterruptedException for no reason. Freeing a shared FFM arena while another platform thread
     * is inside an access to it makes HotSpot deliver an asynchronous exception to that thread, and that
     * delivery also sets the thread's interrupt status; whoever frees the memory that way must clear it.
     */
    @Test
    void closeLeavesNoSpuriousInterruptStatusOnThreadsUsingTheMap()
    {
        final AtomicLong spurious = new AtomicLong();
        final AtomicLong roundOfFirst = new AtomicLong(-1);
        for (int r = 0; r < 100 && spurious.get() == 0; r++)
        {
            final int round = r;
            // One shard: the threads contend for its lock and spin on the lock word, in the memory being freed.
            final LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).build();
            for (long k = 0; k < KEYS; k++)
            {
                map.put(k, k);
            }
            final CountDownLatch running = new CountDownLatch(6);
            final int delay = 5 + r % 10;
            final Threads.Async<Void> closer = Threads.start("closer", () ->
            {
                running.await();
                Thread.sleep(delay);
                map.close();
                return null;
            });
            Workers.run(6, Duration.ofSeconds(30), t ->
            {
                final SplittableRandom random = new SplittableRandom(t);
                running.countDown();
                while (true)
                {
                    final boolean before = Thread.currentThread().isInterrupted();
                    try
                    {
                        final long key = random.nextLong(KEYS);
                        if (random.nextBoolean())
                        {
                            map.get(key);
                        }
                        else
                        {
                            map.put(key, key);
                        }
                    }
                    catch (final IllegalStateException closed)
                    {
                        if (!before && Thread.interrupted())
                        {
                            spurious.incrementAndGet();
                            roundOfFirst.compareAndSet(-1, round);
                        }
                        return;
                    }
                }
            });
            try
            {
                closer.await(Duration.ofSeconds(10));
            }
            catch (final Throwable t)
            {
                throw new AssertionError(t);
            }
        }
        assertEquals(0, spurious.get(),
            "threads whose get/put ended with IllegalStateException (map closed) came back with their interrupt " +
                "status set (first in close round " + roundOfFirst.get() + " of 100)");
    }

    @Test
    void everyOperationAfterCloseThrowsIllegalStateException()
    {
        final LockMap<Long, Long> map = Maps.longs();
        map.put(1L, 1L);
        final Iterator<Long> openIterator = map.keySet().iterator();
        map.close();
        assertTrue(map.isClosed());
        final List<Executable> ops = new ArrayList<>(List.of(
            () -> map.get(1L), () -> map.put(1L, 2L), () -> map.set(1L, 2L), () -> map.remove(1L),
            () -> map.delete(1L), () -> map.containsKey(1L), () -> map.containsValue(1L), () -> map.size(),
            () -> map.sizeLong(), () -> map.isEmpty(), () -> map.putIfAbsent(1L, 2L), () -> map.replace(1L, 2L),
            () -> map.replace(1L, 1L, 2L), () -> map.remove(1L, 1L), () -> map.compute(1L, (k, v) -> 2L),
            () -> map.computeIfAbsent(9L, k -> 2L), () -> map.computeIfPresent(1L, (k, v) -> 2L),
            () -> map.merge(1L, 2L, Long::sum), () -> map.getUsing(1L, 0L), () -> map.getOrDefault(1L, 0L),
            () -> map.clear(), () -> map.forEach((k, v) -> { }), () -> map.keySet().iterator().hasNext(),
            () -> map.entrySet().iterator().next(), () -> map.values().iterator().next(),
            () -> map.lock(1L), () -> map.tryLock(1L), () -> map.tryLock(1L, 1, TimeUnit.SECONDS),
            () -> map.lockInterruptibly(1L), () -> map.lockAll(List.of(1L, 2L)),
            () -> map.tryLockAll(List.of(1L), 1, TimeUnit.SECONDS), () -> map.putAll(Map.of(3L, 3L)),
            () -> map.replaceAll((k, v) -> v)));
        for (int i = 0; i < ops.size(); i++)
        {
            assertThrows(IllegalStateException.class, ops.get(i), "operation #" + i + " after close");
        }
        assertThrows(IllegalStateException.class, () ->
        {
            openIterator.hasNext();
            openIterator.next();
        }, "an iterator opened before close");
        assertDoesNotThrow(map::close);
    }

    @Test
    void aHeldEntryClosedAfterTheMapClosesDoesNotThrowAndItsOtherMethodsDo() throws Throwable
    {
        final LockMap<Long, Long> map = Maps.longs();
        map.put(1L, 1L);
        final LockedEntry<Long, Long> entry = map.lock(1L);
        final BatchLock<Long, Long> batch = map.lockAll(List.of(2L, 3L));
        entry.put(5L);
        map.close();
        assertThrows(IllegalStateException.class, entry::get);
        assertThrows(IllegalStateException.class, () -> entry.put(6L));
        assertThrows(IllegalStateException.class, () -> batch.get(2L).put(1L));
        assertDoesNotThrow(entry::close);
        assertDoesNotThrow(entry::close);
        assertDoesNotThrow(batch::close);
        assertMemoryReleased(map);
    }

    @Test
    void threadsWaitingForAKeyWakeWithIllegalStateExceptionOnClose() throws Throwable
    {
        final LockMap<Long, Long> map = Maps.longs();
        final LockedEntry<Long, Long> held = map.lock(1L);
        final List<Threads.Async<?>> waiters = List.of(
            Threads.start("lock", () -> map.lock(1L)),
            Threads.start("lockInterruptibly", () -> map.lockInterruptibly(1L)),
            Threads.start("tryLock(60s)", () -> map.tryLock(1L, 60, TimeUnit.SECONDS)),
            Threads.start("lockAll", () -> map.lockAll(List.of(0L, 1L))),
            Threads.start("tryLockAll(60s)", () -> map.tryLockAll(List.of(1L, 2L), 60, TimeUnit.SECONDS)),
            Threads.start("put", () -> map.put(1L, 1L)),
            Threads.start("compute", () -> map.compute(1L, (k, v) -> 1L)));
        for (final Threads.Async<?> w : waiters)
        {
            Threads.awaitBlocked(w.thread(), Duration.ofSeconds(5));
        }
        map.close();
        for (final Threads.Async<?> w : waiters)
        {
            final long start = System.nanoTime();
            assertThrows(IllegalStateException.class, () -> w.await(Duration.ofSeconds(10)),
                w.thread().getName() + " should wake with IllegalStateException");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        }
        assertDoesNotThrow(held::close);
        assertMemoryReleased(map);
    }

    /**
     * Waiters for a held key, some interrupted while they wait in an uninterruptible call, then the map
     * closes: each wakes with IllegalStateException, and leaves with exactly the interrupt status it was
     * given (close frees the words they wait on, which also interrupts them; that interrupt must not leak,
     * and the one delivered to them must not be lost).
     */
    @Test
    void waitersWokenByCloseKeepTheirOwnInterruptStatusAndNoOther() throws Throwable
    {
        final LockMap<Long, Long> map = Maps.longs();
        final LockedEntry<Long, Long> held = map.lock(1L);
        final List<Threads.Async<Boolean>> plain = new ArrayList<>();
        final List<Threads.Async<Boolean>> interrupted = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            plain.add(Threads.start("lock-" + i, () -> interruptStatusAfterClose(() -> map.lock(1L))));
            interrupted.add(Threads.start("lock-interrupted-" + i, () -> interruptStatusAfterClose(() -> map.lock(1L))));
            plain.add(Threads.start("lockAll-" + i, () -> interruptStatusAfterClose(() -> map.lockAll(List.of(1L, 2L)))));
            interrupted.add(Threads.start("lockAll-interrupted-" + i,
                () -> interruptStatusAfterClose(() -> map.lockAll(List.of(1L, 2L)))));
        }
        for (final Threads.Async<Boolean> w : plain)
        {
            Threads.awaitBlocked(w.thread(), Duration.ofSeconds(5));
        }
        for (final Threads.Async<Boolean> w : interrupted)
        {
            Threads.awaitBlocked(w.thread(), Duration.ofSeconds(5));
            w.thread().interrupt();
        }
        // An uninterruptible wait goes back to sleep after an interrupt: still blocked, still waiting.
        for (final Threads.Async<Boolean> w : interrupted)
        {
            Threads.awaitBlocked(w.thread(), Duration.ofSeconds(5));
        }
        map.close();
        for (final Threads.Async<Boolean> w : plain)
        {
            assertEquals(false, w.await(Duration.ofSeconds(10)), w.thread().getName() + " came back interrupted");
        }
        for (final Threads.Async<Boolean> w : interrupted)
        {
            assertEquals(true, w.await(Duration.ofSeconds(10)), w.thread().getName() + " lost its interrupt");
        }
        assertDoesNotThrow(held::close);
        assertMemoryReleased(map);
    }

    /** Runs a call that must fail with IllegalStateException (the map closed); returns the interrupt status after it. */
    private static Boolean interruptStatusAfterClose(final Executable call)
    {
        final IllegalStateException closed = assertThrows(IllegalStateException.class, call);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        return Thread.currentThread().isInterrupted();
    }

    @Test
    void aThousandVirtualThreadsWaitingForOneKeyAllWakeWithIllegalStateExceptionOnClose() throws Throwable
    {
        final LockMap<Long, Long> map = Maps.longs();
        final LockedEntry<Long, Long> held = map.lock(1L);
        final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger woke = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.ConcurrentLinkedQueue<Throwable> other = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 1_000; i++)
        {
            threads.add(Thread.ofVirtual().start(() ->
            {
                waiting.incrementAndGet();
                try (LockedEntry<Long, Long> e = map.lock(1L))
                {
                    other.add(new AssertionError("a waiter got the key " + e.key() + " of a closed map"));
                }
                catch (final IllegalStateException expected)
                {
                    woke.incrementAndGet();
                }
                catch (final Throwable t)
                {
                    other.add(t);
                }
            }));
        }
        while (waiting.get() < 1_000)
        {
            Thread.sleep(5);
        }
        Thread.sleep(200);
        map.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (final Thread t : threads)
        {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        assertEquals(List.of(), List.copyOf(other));
        assertEquals(1_000, woke.get(), "waiters woken with IllegalStateException");
        held.close();
        assertMemoryReleased(map);
    }

    @Test
    void closeFreesNativeMemory()
    {
        final LockMap<Long, Long> map = Maps.longs();
        for (long k = 0; k < 100_000; k++)
        {
            map.set(k, k);
        }
        final long before = map.nativeMemoryBytes();
        assertTrue(before >= 100_000L * 16, "nativeMemoryBytes() " + before + " is less than the 1.6 MB of keys and values");
        map.close();
        assertMemoryReleased(map);
    }

    /** nativeMemoryBytes() after close: 0, unless the implementation counts it as a closed operation. */
    static void assertMemoryReleased(final LockMap<?, ?> map)
    {
        final long after;
        try
        {
            after = map.nativeMemoryBytes();
        }
        catch (final IllegalStateException treatedAsAnOperation)
        {
            return;
        }
        assertEquals(0L, after, "nativeMemoryBytes() after close with no entry held");
    }
}
