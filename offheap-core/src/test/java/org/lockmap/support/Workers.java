package org.lockmap.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a body on several daemon threads released together, and fails the test, rather than hanging it,
 * when one throws or when they do not all finish in time (the failure carries the stuck threads' stacks,
 * which is what a deadlock report needs).
 */
public final class Workers
{
    /** One worker's work. */
    @FunctionalInterface
    public interface Body
    {
        /**
         * @param index the worker's index, from 0.
         * @throws Exception anything: it fails the test.
         */
        void run(int index) throws Exception;
    }

    private Workers()
    {
    }

    /**
     * Runs {@code threads} platform threads and waits for them.
     *
     * @param threads how many.
     * @param timeout how long all of them may take together.
     * @param body    what each does.
     */
    public static void run(final int threads, final Duration timeout, final Body body)
    {
        run(threads, timeout, false, body);
    }

    /**
     * Runs {@code threads} threads, virtual or platform, and waits for them.
     *
     * @param threads the count.
     * @param timeout how long all of them may take together.
     * @param virtual whether to use virtual threads.
     * @param body    what each does.
     */
    public static void run(final int threads, final Duration timeout, final boolean virtual, final Body body)
    {
        final CountDownLatch start = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++)
        {
            final int index = i;
            final Runnable task = () ->
            {
                try
                {
                    start.await();
                    body.run(index);
                }
                catch (final Throwable t)
                {
                    errors.add(t);
                }
            };
            final Thread t = virtual ?
                Thread.ofVirtual().name("vworker-" + i).unstarted(task) :
                Thread.ofPlatform().daemon(true).name("worker-" + i).unstarted(task);
            started.add(t);
            t.start();
        }
        start.countDown();
        try
        {
            awaitAll(started, timeout);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for workers", ex);
        }
        final List<Thread> stuck = started.stream().filter(Thread::isAlive).toList();
        if (!stuck.isEmpty())
        {
            final StringBuilder sb = new StringBuilder()
                .append(stuck.size()).append(" of ").append(threads)
                .append(" workers did not finish within ").append(timeout).append(" (deadlock or livelock?)");
            stuck.stream().limit(4).forEach(t -> sb.append('\n').append(Threads.describe(t)));
            sb.append("\nall threads:\n").append(Threads.dumpAll());
            stuck.forEach(Thread::interrupt);
            final AssertionError error = new AssertionError(sb.toString());
            errors.forEach(error::addSuppressed);
            throw error;
        }
        if (!errors.isEmpty())
        {
            final Throwable first = errors.poll();
            final AssertionError error = new AssertionError(
                "a worker failed (" + (errors.size() + 1) + " failures in all): " + first, first);
            errors.forEach(error::addSuppressed);
            throw error;
        }
    }

    /**
     * Joins the threads until {@code timeout} of this thread's own running time has passed. A gap in which
     * this thread itself did not run (the whole process or JVM stalled: a host pause, a long safepoint)
     * does not count (up to one more timeout in all), and is reported on stderr: a round that normally takes milliseconds must not fail as
     * a "deadlock" because the test JVM was frozen for half a minute, while a real deadlock still fails.
     */
    private static void awaitAll(final List<Thread> threads, final Duration timeout) throws InterruptedException
    {
        final long slice = TimeUnit.MILLISECONDS.toNanos(50);
        final long stallThreshold = TimeUnit.SECONDS.toNanos(1);
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = System.nanoTime();
        long extended = 0;
        for (final Thread t : threads)
        {
            while (t.isAlive())
            {
                final long now = System.nanoTime();
                if (now - last > stallThreshold && extended < timeout.toNanos())
                {
                    // At most one timeout in all, so that a livelock starving this thread still fails.
                    final long stalled = Math.min(now - last - slice, timeout.toNanos() - extended);
                    extended += stalled;
                    deadline += stalled;
                    System.err.printf("Workers: the waiting thread did not run for %d ms (process stalled); " +
                        "the deadline moves by that much%n", TimeUnit.NANOSECONDS.toMillis(stalled));
                }
                last = now;
                if (now - deadline >= 0)
                {
                    return;
                }
                t.join(Duration.ofNanos(Math.min(slice, deadline - now)));
            }
        }
    }

    /**
     * Sleeps without throwing.
     *
     * @param millis how long.
     */
    public static void sleep(final long millis)
    {
        try
        {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
