package org.lockmap.internal;

/**
 * Points where a test can stop a thread inside a race window a few nanoseconds wide, to check an
 * interleaving that a stress test would almost never hit. Off unless the JVM runs with
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

    private static void run(final Runnable hook)
    {
        if (hook != null)
        {
            hook.run();
        }
    }
}
