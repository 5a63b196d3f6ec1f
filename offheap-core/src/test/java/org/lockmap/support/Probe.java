package org.lockmap.support;

import org.lockmap.LockMap;
import org.lockmap.LockedEntry;

import java.time.Duration;

/**
 * Checks, from another thread, whether a key is free.
 */
public final class Probe
{
    private Probe()
    {
    }

    /**
     * @param map a map.
     * @param key a key.
     * @param <K> the key type.
     * @return true if another thread could take the key at once (it then releases it).
     */
    public static <K> boolean isFree(final LockMap<K, ?> map, final K key)
    {
        try
        {
            return Threads.start("probe", () ->
            {
                final LockedEntry<K, ?> e = map.tryLock(key);
                if (e == null)
                {
                    return false;
                }
                e.close();
                return true;
            }).await(Duration.ofSeconds(10));
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new AssertionError(t);
        }
    }

    /**
     * @param map a map.
     * @param key a key.
     * @param <K> the key type.
     * @param <V> the value type.
     * @return the value another thread reads.
     */
    public static <K, V> V getFromAnotherThread(final LockMap<K, V> map, final K key)
    {
        return onAnotherThread(() -> map.get(key));
    }

    /**
     * For reads of a key that the calling thread holds, which throw on the holder's own thread.
     *
     * @param read what to run.
     * @param <T>  its result type.
     * @return what it returned on another thread (its exception is rethrown here).
     */
    public static <T> T onAnotherThread(final java.util.concurrent.Callable<T> read)
    {
        try
        {
            return Threads.start("reader", read).await(Duration.ofSeconds(10));
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new AssertionError(t);
        }
    }
}
