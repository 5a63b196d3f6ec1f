package org.lockmap.bench;

import java.util.Map;

/**
 * One map under test, with {@code Long} values and keys of a {@link KeyKind}, behind the four operations
 * the suite measures. A JMH fork builds exactly one implementation, so every call site below stays
 * monomorphic and is inlined as if the map were called directly.
 *
 * @param <K> the key type.
 */
public abstract class BenchMap<K> implements AutoCloseable
{
    /** The names accepted by {@link #create}, as they appear in the {@code map} JMH parameter. */
    public static final String LOCKMAP = "LockMap";
    /** {@link java.util.concurrent.ConcurrentHashMap}, on heap. */
    public static final String CHM = "CHM";
    /** Chronicle Map, in anonymous off-heap memory (not persisted). */
    public static final String CHRONICLE = "Chronicle";

    /**
     * @param key a key.
     * @return its value, or null.
     */
    public abstract Long get(K key);

    /**
     * {@link java.util.Map#put}: sets the value and returns the previous one.
     *
     * @param key   a key.
     * @param value the new value.
     * @return the previous value, or null.
     */
    public abstract Long put(K key, Long value);

    /**
     * Sets the value without returning the previous one ({@code LockMap.set}; Chronicle's {@code put} on a
     * map built with {@code putReturnsNull(true)}; for CHM a {@code put} whose result is dropped).
     *
     * @param key   a key.
     * @param value the new value.
     */
    public abstract void set(K key, Long value);

    /**
     * Adds one to the key's value, atomically with respect to every other writer of that key, the way
     * each map's users would write a read-modify-write.
     *
     * @param key a present key.
     */
    public abstract void increment(K key);

    /**
     * @return the number of entries.
     */
    public abstract long size();

    /**
     * @return the map itself, for its views.
     */
    protected abstract Map<K, Long> asMap();

    /**
     * Walks the map's {@code entrySet()} iterator once, reading every value.
     *
     * @return the sum of the keys' hash codes and the values.
     */
    public final long iterateEntries()
    {
        long sum = 0;
        for (final Map.Entry<K, Long> entry : asMap().entrySet())
        {
            sum += entry.getKey().hashCode() + entry.getValue();
        }
        return sum;
    }

    /**
     * Walks the map's {@code keySet()} iterator once, as a user's monitoring or snapshot thread would.
     *
     * @return the sum of the keys' hash codes, so that no key's decoding can be skipped.
     */
    public final long iterateKeys()
    {
        long sum = 0;
        for (final K key : asMap().keySet())
        {
            sum += key.hashCode();
        }
        return sum;
    }

    /**
     * @return bytes of native memory the map reports for itself, or -1 for an on-heap map.
     */
    public abstract long offHeapBytes();

    @Override
    public abstract void close();

    /**
     * Builds an empty map with {@code Long} keys.
     *
     * @param name           {@link #LOCKMAP}, {@link #CHM} or {@link #CHRONICLE}.
     * @param entries        the number of entries to size for.
     * @param putReturnsNull for Chronicle only: build with {@code putReturnsNull(true)}, so that {@code put}
     *                       skips reading the previous value (what {@code set} measures).
     * @return the map.
     */
    public static BenchMap<Long> create(final String name, final int entries, final boolean putReturnsNull)
    {
        return create(name, entries, putReturnsNull, KeyKind.LONGS);
    }

    /**
     * Builds an empty map.
     *
     * @param name           {@link #LOCKMAP}, {@link #CHM} or {@link #CHRONICLE}.
     * @param entries        the number of entries to size for.
     * @param putReturnsNull for Chronicle only, as above.
     * @param keys           the key type.
     * @param <K>            the key type.
     * @return the map.
     */
    public static <K> BenchMap<K> create(
        final String name, final int entries, final boolean putReturnsNull, final KeyKind<K> keys)
    {
        return switch (name)
        {
            case LOCKMAP -> new LockMapTarget<>(entries, keys);
            case CHM -> new ChmTarget<>(entries);
            case CHRONICLE -> new ChronicleTarget<>(entries, putReturnsNull, keys);
            default -> throw new IllegalArgumentException(
                "unknown map '" + name + "': expected " + LOCKMAP + ", " + CHM + " or " + CHRONICLE);
        };
    }
}
