package org.lockmap.bench;

import java.util.SplittableRandom;

/**
 * The keys and values of every benchmark and of the footprint program: distinct, well-spread 64-bit
 * numbers, the same in every JVM, generated once and boxed once so that boxing is not measured.
 */
public final class Keys
{
    private Keys()
    {
    }

    /**
     * MurmurHash3's 64-bit finaliser: a bijection, so distinct inputs give distinct keys.
     *
     * @param x any number.
     * @return its mix.
     */
    public static long mix64(final long x)
    {
        long z = x;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * @param count how many.
     * @return {@code count} distinct boxed keys.
     */
    public static Long[] keys(final int count)
    {
        final Long[] keys = new Long[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = mix64(i);
        }
        return keys;
    }

    /**
     * @param count how many.
     * @return {@code count} distinct {@code String} keys of 16 to 20 ASCII characters: 16 hex digits of
     *         {@link #mix64} of the index, then 0 to 4 more letters, so that lengths vary.
     */
    public static String[] strings(final int count)
    {
        final String[] keys = new String[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = String.format("%016x", mix64(i)) + "abcd".substring(i % 5);
        }
        return keys;
    }

    /**
     * @param count how many.
     * @return {@code count} boxed values, none in the {@code Long.valueOf} cache.
     */
    public static Long[] values(final int count)
    {
        final Long[] values = new Long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = mix64(~(long)i) | (1L << 62);
        }
        return values;
    }

    /**
     * @param count how many.
     * @return {@code 0 .. count - 1} in a random order, the same in every JVM (Fisher-Yates, seed 42): the
     *         order maps are filled in, so that no map's memory layout follows the key array's order.
     */
    public static int[] shuffledIndices(final int count)
    {
        final int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = count - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
