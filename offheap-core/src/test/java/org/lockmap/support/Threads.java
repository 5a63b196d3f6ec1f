package org.lockmap.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Helpers to run one action on another thread and to wait for a thread to block.
 */
public final class Threads
{
    private Threads()
    {
    }

    /**
     * Starts a daemon thread computing {@code task}.
     *
     * @param name the thread's name.
     * @param task what it computes.
     * @param <T>  the result type.
     * @return the result, completed exceptionally if the task throws.
     */
    public static <T> Async<T> start(final String name, final Callable<T> task)
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final Thread thread = Thread.ofPlatform().daemon(true).name(name).unstarted(() ->
        {
            try
            {
                future.complete(task.call());
            }
            catch (final Throwable t)
            {
                future.completeExceptionally(t);
            }
        });
        thread.start();
        return new Async<>(thread, future);
    }

    /**
     * A thread and its result.
     *
     * @param thread the thread.
     * @param future its result.
     * @param <T>    the result type.
     */
    public record Async<T>(Thread thread, CompletableFuture<T> future)
    {
        /**
         * @param timeout how long to wait.
         * @return the result.
         * @throws Throwable the task's exception, or an AssertionError with the thread's stack on timeout.
         */
        public T await(final Duration timeout) throws Throwable
        {
            try
            {
                return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            catch (final ExecutionException ex)
            {
                throw ex.getCause();
            }
            catch (final TimeoutException ex)
            {
                throw new AssertionError("no result within " + timeout + "\n" + describe(thread));
            }
        }

        /**
         * @return true once the task finished.
         */
        public boolean isDone()
        {
            return future.isDone();
        }
    }

    /**
     * Waits until the thread is parked, waiting or sleeping (it has reached a blocking point), or fails.
     *
     * @param thread  the thread.
     * @param timeout how long to wait.
     */
    public static void awaitBlocked(final Thread thread, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            final Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED)
            {
                return;
            }
            if (state == Thread.State.TERMINATED)
            {
                throw new AssertionError(thread.getName() + " terminated instead of blocking");
            }
            Workers.sleep(2);
        }
        // A spinning waiter is allowed by the design but must spin only briefly: treat a long spin as a finding.
        throw new AssertionError(thread.getName() + " did not block within " + timeout + "\n" + describe(thread));
    }

    /**
     * @return every live thread's name, state and stack, for failure messages.
     */
    public static String dumpAll()
    {
        final StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> sb.append(describe(thread, stack)).append('\n'));
        return sb.toString();
    }

    /**
     * @param thread a thread.
     * @return its name, state and stack, for failure messages.
     */
    public static String describe(final Thread thread)
    {
        return describe(thread, thread.getStackTrace());
    }

    private static String describe(final Thread thread, final StackTraceElement[] stack)
    {
        final StringBuilder sb = new StringBuilder()
            .append('"').append(thread.getName()).append("\" ").append(thread.getState());
        for (final StackTraceElement e : stack)
        {
            sb.append("\n    at ").append(e);
        }
        return sb.toString();
    }

    /**
     * Waits a little so that a thread that should stay blocked would have had time to get through.
     *
     * @param millis how long.
     */
    public static void settle(final long millis)
    {
        Workers.sleep(millis);
    }

    /**
     * @param d a duration.
     * @return it in milliseconds, for messages.
     */
    public static long ms(final Duration d)
    {
        return d.toMillis();
    }
}
