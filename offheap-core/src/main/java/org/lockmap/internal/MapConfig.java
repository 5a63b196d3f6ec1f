package org.lockmap.internal;

import org.lockmap.serialization.Serializer;

/**
 * What a builder decided: serializers, sizing hints and hard limits.
 *
 * @param keySerializer    how keys are stored.
 * @param valueSerializer  how values are stored.
 * @param expectedEntries  a sizing hint.
 * @param averageKeySize   a sizing hint for variable keys.
 * @param averageValueSize a sizing hint for variable values.
 * @param shards           a power of two.
 * @param maxKeySize       a hard limit in bytes.
 * @param maxValueSize     a hard limit in bytes.
 * @param <K>              the key type.
 * @param <V>              the value type.
 */
public record MapConfig<K, V>(
    Serializer<K> keySerializer,
    Serializer<V> valueSerializer,
    long expectedEntries,
    int averageKeySize,
    int averageValueSize,
    int shards,
    int maxKeySize,
    int maxValueSize)
{
}
