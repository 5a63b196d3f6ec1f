package org.lockmap.bench;

import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.Serializers;

/**
 * The key type of a {@link BenchMap}: what each map needs to be built for it.
 *
 * @param type        the key class, for Chronicle Map.
 * @param serializer  LockMap's serializer for it.
 * @param averageSize bytes per serialized key, for both off-heap maps' sizing.
 * @param fixedSize   whether every key has that size (Chronicle Map then needs no average).
 * @param <K>         the key type.
 */
public record KeyKind<K>(Class<K> type, Serializer<K> serializer, int averageSize, boolean fixedSize)
{
    /** {@code Long} keys: 8 bytes. */
    public static final KeyKind<Long> LONGS = new KeyKind<>(Long.class, Serializers.longs(), Long.BYTES, true);
    /** {@code String} keys of about 18 ASCII characters, as {@link Keys#strings} makes them. */
    public static final KeyKind<String> STRINGS = new KeyKind<>(String.class, Serializers.strings(), 18, false);
}
