package org.lockmap;

import org.lockmap.internal.MapConfig;
import org.lockmap.internal.OffHeapLockMap;
import org.lockmap.serialization.Serializer;

import java.util.Objects;

/**
 * Builds a {@link LockMap}. Sizes are hints: a shard that fills grows on its own. Limits
 * ({@link #maxKeySize}, {@link #maxValueSize}) are hard: exceeding one is an
 * {@link IllegalArgumentException} naming the size and the limit.
 *
 * <pre>{@code
 * LockMap<Long, String> map = LockMap.builder(Serializers.longs(), Serializers.strings())
 *         .expectedEntries(1_000_000)
 *         .averageValueSize(64)
 *         .build();
 * }</pre>
 *
 * <p>Not thread-safe; a builder may be reused to build several maps.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class LockMapBuilder<K, V>
{
    /** The default largest key, in bytes. */
    public static final int DEFAULT_MAX_KEY_SIZE = 64 * 1024;
    /** The default largest value, in bytes. */
    public static final int DEFAULT_MAX_VALUE_SIZE = 64 * 1024 * 1024;

    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private long expectedEntries = 1024;
    private int averageKeySize = 16;
    private int averageValueSize = 32;
    private int shards = 0;
    private int maxKeySize = DEFAULT_MAX_KEY_SIZE;
    private int maxValueSize = DEFAULT_MAX_VALUE_SIZE;

    LockMapBuilder(final Serializer<K> keySerializer, final Serializer<V> valueSerializer)
    {
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
    }

    /**
     * @param entries how many entries to size the map for at first; a hint, the map grows past it.
     * @return this builder.
     */
    public LockMapBuilder<K, V> expectedEntries(final long entries)
    {
        this.expectedEntries = positive("expectedEntries", entries);
        return this;
    }

    /**
     * @param bytes a hint for variable-size keys.
     * @return this builder.
     */
    public LockMapBuilder<K, V> averageKeySize(final int bytes)
    {
        this.averageKeySize = (int)positive("averageKeySize", bytes);
        return this;
    }

    /**
     * @param bytes a hint for variable-size values.
     * @return this builder.
     */
    public LockMapBuilder<K, V> averageValueSize(final int bytes)
    {
        this.averageValueSize = (int)positive("averageValueSize", bytes);
        return this;
    }

    /**
     * @param count the number of shards, rounded up to a power of two; by default 16 per available
     *              processor, at least 16, at most 1024.
     * @return this builder.
     */
    public LockMapBuilder<K, V> shards(final int count)
    {
        if (count < 1 || count > 65536)
        {
            throw new IllegalArgumentException("shards must be in [1, 65536]: " + count);
        }
        this.shards = count;
        return this;
    }

    /**
     * @param bytes the largest serialized key accepted (a hard limit, at most 256 MiB).
     * @return this builder.
     */
    public LockMapBuilder<K, V> maxKeySize(final int bytes)
    {
        if (bytes > (256 << 20))
        {
            throw new IllegalArgumentException("maxKeySize is at most 256 MiB: " + bytes);
        }
        this.maxKeySize = (int)positive("maxKeySize", bytes);
        return this;
    }

    /**
     * @param bytes the largest serialized value accepted (a hard limit, at most 1 GiB).
     * @return this builder.
     */
    public LockMapBuilder<K, V> maxValueSize(final int bytes)
    {
        if (bytes > (1 << 30))
        {
            throw new IllegalArgumentException("maxValueSize is at most 1 GiB: " + bytes);
        }
        this.maxValueSize = (int)positive("maxValueSize", bytes);
        return this;
    }

    /**
     * Builds a map in anonymous native memory.
     *
     * @return a new, empty map; close it to free its memory.
     */
    public LockMap<K, V> build()
    {
        checkFixedSize(keySerializer, maxKeySize, "key", "maxKeySize");
        checkFixedSize(valueSerializer, maxValueSize, "value", "maxValueSize");
        final int shardCount = shards != 0 ? shards :
            Math.min(1024, Math.max(16, 16 * Runtime.getRuntime().availableProcessors()));
        return OffHeapLockMap.create(new MapConfig<>(
            keySerializer, valueSerializer, expectedEntries, averageKeySize, averageValueSize,
            Integer.highestOneBit(shardCount - 1 == 0 ? 1 : (shardCount - 1) << 1), maxKeySize, maxValueSize));
    }

    /** A fixed size over the limit would make a map that can hold nothing; say so now. */
    private static void checkFixedSize(final Serializer<?> serializer, final int limit, final String what, final String limitName)
    {
        if (serializer.fixedSize() > limit)
        {
            throw new IllegalArgumentException(what + "s of " + serializer.fingerprint() + " are " + serializer.fixedSize() +
                " bytes, over the " + limitName + " of " + limit + "; raise it with " + limitName + "(int)");
        }
    }

    private static long positive(final String name, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}
