package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lockmap.serialization.Serializers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random single-threaded churn (every kind of write, locks, batches and iterator removal) on a small map
 * that must grow and shrink many times, compared after every call with a {@link HashMap} doing the same.
 * Open addressing with backward-shift deletion is where such bugs hide. The seed is in the message.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChurnAgainstModelTest
{
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomOperationsMatchAHashMap(final long seed)
    {
        churn(seed, 200_000, 3_000, LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).expectedEntries(16).build());
    }

    @Test
    void randomOperationsMatchAHashMapWithManyShardsAndWideKeys()
    {
        churn(4, 200_000, 30_000, LockMap.builder(Serializers.longs(), Serializers.longs()).expectedEntries(64).build());
    }

    @Test
    void variableSizeValuesOfEverySizeClassMatchAHashMap()
    {
        final SplittableRandom random = new SplittableRandom(5);
        try (LockMap<String, byte[]> map = LockMap.builder(Serializers.strings(), Serializers.byteArrays())
            .shards(2).expectedEntries(16).build())
        {
            final Map<String, byte[]> model = new HashMap<>();
            for (int i = 0; i < 60_000; i++)
            {
                final String key = "k" + random.nextInt(2_000);
                final int size = random.nextInt(10) == 0 ? random.nextInt(70_000) : random.nextInt(200);
                final byte[] value = new byte[size];
                random.nextBytes(value);
                final String where = "op " + i + " on " + key;
                switch (random.nextInt(4))
                {
                    case 0 -> assertArrayEqualsOrNull(model.put(key, value), map.put(key, value), where);
                    case 1 -> assertArrayEqualsOrNull(model.remove(key), map.remove(key), where);
                    case 2 ->
                    {
                        try (LockedEntry<String, byte[]> e = map.lock(key))
                        {
                            assertArrayEqualsOrNull(model.get(key), e.get(), where);
                            e.put(new byte[random.nextInt(300)]);
                            e.put(value); // only the last put is kept
                            model.put(key, value);
                        }
                    }
                    default -> assertArrayEqualsOrNull(model.get(key), map.get(key), where);
                }
            }
            assertEquals(model.size(), map.size());
            model.forEach((k, v) -> assertArrayEqualsOrNull(v, map.get(k), "final " + k));
        }
    }

    private static void assertArrayEqualsOrNull(final byte[] expected, final byte[] actual, final String where)
    {
        if (expected == null || actual == null)
        {
            assertEquals(expected, actual, where);
        }
        else
        {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, where);
        }
    }

    private static void churn(final long seed, final int ops, final int keySpace, final LockMap<Long, Long> map)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Long, Long> model = new HashMap<>();
        try (map)
        {
            for (int i = 0; i < ops; i++)
            {
                // Phases that fill and drain, so the table grows and the deletions shift long runs.
                final int phase = (i / 20_000) % 2;
                final long key = random.nextInt(keySpace);
                final long value = random.nextLong();
                final String where = "seed " + seed + ", op " + i + ", key " + key;
                final int kind = random.nextInt(12);
                final boolean writeHeavy = phase == 0 ? kind < 9 : kind < 3;
                if (writeHeavy)
                {
                    switch (random.nextInt(5))
                    {
                        case 0 -> assertEquals(model.put(key, value), map.put(key, value), where);
                        case 1 ->
                        {
                            map.set(key, value);
                            model.put(key, value);
                        }
                        case 2 -> assertEquals(model.putIfAbsent(key, value), map.putIfAbsent(key, value), where);
                        case 3 ->
                        {
                            try (LockedEntry<Long, Long> e = map.lock(key))
                            {
                                assertEquals(model.get(key), e.get(), where);
                                e.put(value);
                            }
                            model.put(key, value);
                        }
                        default -> assertEquals(model.merge(key, value, Long::sum), map.merge(key, value, Long::sum), where);
                    }
                }
                else
                {
                    switch (random.nextInt(8))
                    {
                        case 0 -> assertEquals(model.remove(key), map.remove(key), where);
                        case 1 -> assertEquals(model.remove(key) != null, map.delete(key), where);
                        case 2 ->
                        {
                            try (LockedEntry<Long, Long> e = map.lock(key))
                            {
                                assertEquals(model.remove(key), e.remove(), where);
                            }
                        }
                        case 3 -> map.lock(key).close();
                        case 4 ->
                        {
                            final long other = random.nextInt(keySpace);
                            try (BatchLock<Long, Long> b = map.lockAll(List.of(key, other)))
                            {
                                assertEquals(model.remove(key), b.get(key).remove(), where);
                            }
                        }
                        case 5 -> assertEquals(model.remove(key, value), map.remove(key, value), where);
                        case 6 -> assertEquals(model.compute(key, (k, v) -> null), map.compute(key, (k, v) -> null), where);
                        default -> assertEquals(model.get(key), map.get(key), where);
                    }
                }
                if (i % 25_000 == 24_999)
                {
                    assertEquals(model.size(), map.size(), where);
                    assertEquals(model, new HashMap<>(map), where);
                    for (final Long k : model.keySet())
                    {
                        assertEquals(model.get(k), map.get(k), where + ": key " + k);
                    }
                    // Remove a slice through the iterator, as a user would.
                    final var it = map.keySet().iterator();
                    for (int n = 0; n < 50 && it.hasNext(); n++)
                    {
                        final Long k = it.next();
                        if (k % 2 == 0)
                        {
                            it.remove();
                            model.remove(k);
                        }
                    }
                    assertEquals(model, new HashMap<>(map), where + " after iterator removal");
                }
            }
            assertEquals(model, new HashMap<>(map));
        }
    }
}
