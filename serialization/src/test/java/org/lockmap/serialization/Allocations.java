package org.lockmap.serialization;

import java.lang.reflect.Method;

/**
 * The calling thread's allocated bytes, from {@code com.sun.management.ThreadMXBean}; reached reflectively
 * because the tests compile as a patch of the module, which does not read {@code jdk.management}.
 */
final class Allocations
{
    private static final Object THREADS;
    private static final Method ALLOCATED_BYTES;

    static
    {
        try
        {
            THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            ALLOCATED_BYTES = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private Allocations()
    {
    }

    static long currentThread()
    {
        try
        {
            return (Long)ALLOCATED_BYTES.invoke(THREADS);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Bytes allocated by {@code iterations} runs of {@code action}, after as many runs to warm up.
     */
    static long measure(final int iterations, final Runnable action)
    {
        for (int i = 0; i < iterations; i++)
        {
            action.run();
        }
        final long before = currentThread();
        for (int i = 0; i < iterations; i++)
        {
            action.run();
        }
        return currentThread() - before;
    }
}
