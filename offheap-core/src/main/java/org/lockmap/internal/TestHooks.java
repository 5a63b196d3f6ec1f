package org.lockmap.internal;

import java.util.function.LongConsumer;

/**
 * Points where a test can stop a thread inside a race window a few nanoseconds wide, to check an
 * interleaving that a stress test would almost never hit, or make a step fail as the system could. Off unless the JVM runs with
 * {@code -Dlockmap.testHooks=true} (the build's tests do): {@link #ENABLED} is a constant, so in any other
 * JVM the JIT removes every hook call.
 */
final class TestHooks
{
    /** Whether hooks run: the system property {@code lockmap.testHooks}, read once. */
    static final boolean ENABLED = Boolean.getBoolean("lockmap.testHooks");

    /** Runs after a key is released without the shard lock, before the read guard is cleared. */
    static volatile Runnable afterWordRelease;

    /**
     * Runs when a lock without the shard lock has taken another key's word by mistake, just before it
     * gives the word back ({@link Shard#lockFound}).
     */
    static volatile Runnable beforeGiveBack;

    /** Runs before a shard reserves a chunk of that many bytes; may throw, as a failing mmap would. */
    static volatile LongConsumer beforeReserve;

    /** Replaces {@link Shard#tryAcquireKeyUnlessOwned}'s bound on its spins when positive. */
    static volatile int ownerlessSpins;

    /** Caps a {@link CellTable}'s capacity for tables built after it is set (0: no cap), to test the largest table. */
    static volatile int maxCells;

    private TestHooks()
    {
    }

    static void afterWordRelease()
    {
        // Volatile read: a hook set by the test thread is seen.
        run(afterWordRelease);
    }

    static void beforeGiveBack()
    {
        // Volatile read: a hook set by the test thread is seen.
        run(beforeGiveBack);
    }

    static void beforeReserve(final long size)
    {
        // Volatile read: a hook set by the test thread is seen.
        final LongConsumer hook = beforeReserve;
        if (hook != null)
        {
            hook.accept(size);
        }
    }

    private static void run(final Runnable hook)
    {
        if (hook != null)
        {
            hook.run();
        }
    }
}
