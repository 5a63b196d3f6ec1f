package org.lockmap.internal;

import org.agrona.UnsafeApi;

/**
 * The lock word of an entry, at a raw address that stays valid while the entry has a waiter or a
 * holder (neither kind of entry is freed). Created only on the contended path.
 *
 * @param address the word's address.
 */
public record KeyLockWord(long address) implements FutexWord
{
    /**
     * Takes a free key lock: the uncontended path, one CAS.
     *
     * @param address the word's address.
     * @return true if taken.
     */
    public static boolean tryAcquire(final long address)
    {
        // Volatile CAS (full fence): acquiring the key orders the holder's accesses after the previous release.
        return UnsafeApi.compareAndSetInt(null, address, Futex.FREE, Futex.HELD);
    }

    /**
     * Frees a key lock.
     *
     * @param address the word's address.
     * @return true if a waiter may be parked and must be woken.
     */
    public static boolean release(final long address)
    {
        // Volatile get-and-set (full fence): publishes the critical section's writes before the key is free.
        return UnsafeApi.getAndSetInt(null, address, Futex.FREE) == Futex.CONTENDED;
    }

    public boolean compareAndSet(final int expected, final int value)
    {
        // Volatile CAS (full fence): Futex's acquire; orders the new holder's accesses after the previous release.
        return UnsafeApi.compareAndSetInt(null, address, expected, value);
    }

    public int getAndSet(final int value)
    {
        // Volatile get-and-set (full fence): a waiter sets 2 so the release wakes it; an old 0 acquires the key.
        return UnsafeApi.getAndSetInt(null, address, value);
    }

    public int getVolatile()
    {
        // Volatile read: Futex's test before its CAS, and the lot's recheck under its bucket lock for a missed release.
        return UnsafeApi.getIntVolatile(null, address);
    }
}
