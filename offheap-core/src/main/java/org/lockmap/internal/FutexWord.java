package org.lockmap.internal;

/**
 * A 32-bit lock word in native memory, used by {@link Futex}: 0 free, 1 held, 2 held with waiters.
 */
public interface FutexWord
{
    /**
     * @param expected the value to compare with.
     * @param value    the value to set.
     * @return true if set; a full fence either way.
     */
    boolean compareAndSet(int expected, int value);

    /**
     * @param value the value to set.
     * @return the previous value; a full fence.
     */
    int getAndSet(int value);

    /**
     * @return the current value, with volatile semantics.
     */
    int getVolatile();
}
