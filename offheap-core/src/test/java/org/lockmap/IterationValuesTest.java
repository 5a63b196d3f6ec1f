package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The value and entry views read each key's committed value in the same pass as the key, from the batch
 * the walk copies (values over 1 KiB are looked up instead). For every value layout: 8-byte and 4-byte
 * word values, two-slot fixed-size values, variable-size values on both sides of the 1 KiB line.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IterationValuesTest
{
    private static final int KEYS = 5_000;

    @Test
    void everyValueLayoutIsIteratedWithItsCommittedValue()
    {
        check(Serializers.longs(), k -> k * 31);
        check(Serializers.ints(), k -> (int)(k * 7));
        check(Serializers.uuids(), k -> new UUID(k, ~k));
        check(Serializers.strings(), IterationValuesTest::text);
    }

    private static <V> void check(final Serializer<V> values, final LongFunction<V> valueOf)
    {
        try (LockMap<Long, V> map = LockMap.builder(Serializers.longs(), values).shards(4).expectedEntries(64).build())
        {
            final Map<Long, V> model = new HashMap<>();
            for (long k = 0; k < KEYS; k++)
            {
                map.put(k, valueOf.apply(k));
                model.put(k, valueOf.apply(k));
            }
            // Rewrite every third key (a two-slot value moves to its other slot, a variable one to a new block).
            for (long k = 0; k < KEYS; k += 3)
            {
                map.put(k, valueOf.apply(k + KEYS));
                model.put(k, valueOf.apply(k + KEYS));
            }
            assertEquals(model, new HashMap<>(map), "entrySet() of " + values);
            final Map<Long, V> seen = new HashMap<>();
            map.forEach(seen::put);
            assertEquals(model, seen, "forEach of " + values);
            final List<V> iterated = new ArrayList<>(map.values());
            assertEquals(model.size(), iterated.size(), "values() of " + values);
            assertTrue(iterated.containsAll(model.values()), "values() of " + values);
        }
    }

    /** Values of 0 to 2,999 chars, so some are over the batch's 1 KiB and looked up one by one. */
    private static String text(final long k)
    {
        return Long.toString(k).repeat((int)(k % 600));
    }

    @Test
    void aHolderWorkInProgressIsNotIterated()
    {
        try (LockMap<Long, String> map = LockMap.builder(Serializers.longs(), Serializers.strings()).shards(1).build();
             LockMap<Long, Long> words = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).build())
        {
            map.put(1L, "one");
            map.put(2L, "two");
            words.put(1L, 10L);
            words.put(2L, 20L);
            try (LockedEntry<Long, String> replaced = map.lock(1L);
                 LockedEntry<Long, String> removed = map.lock(2L);
                 LockedEntry<Long, String> added = map.lock(3L);
                 LockedEntry<Long, Long> replacedWord = words.lock(1L);
                 LockedEntry<Long, Long> removedWord = words.lock(2L))
            {
                replaced.put("uno".repeat(500));
                removed.remove();
                added.put("tres");
                replacedWord.put(11L);
                removedWord.remove();
                assertEquals(Map.of(1L, "one", 2L, "two"), new HashMap<>(map), "committed values only");
                assertEquals(Map.of(1L, 10L, 2L, 20L), new HashMap<>(words), "committed word values only");
            }
            assertEquals(Map.of(1L, "uno".repeat(500), 3L, "tres"), new HashMap<>(map), "published at close");
            assertEquals(Map.of(1L, 11L), new HashMap<>(words), "published at close");
        }
    }

    /**
     * A value over 1 KiB is looked up when the iterator reaches its key, so a key removed after its batch
     * was copied is skipped; a smaller value was copied with its key and is returned as it was.
     */
    @Test
    void aLargeValueIsReadWhenReachedAndASmallOneAsCopied()
    {
        // One shard with a small table: one batch holds all ten keys.
        try (LockMap<Long, String> map = LockMap.builder(Serializers.longs(), Serializers.strings())
            .shards(1).expectedEntries(16).build())
        {
            for (long k = 0; k < 10; k++)
            {
                map.put(k, (k % 2 == 0 ? "x".repeat(2_000) : "small ") + k);
            }
            final Iterator<Map.Entry<Long, String>> it = map.entrySet().iterator();
            final Map.Entry<Long, String> first = it.next();
            final Map<Long, String> rest = new HashMap<>();
            for (long k = 0; k < 10; k++)
            {
                if (k != first.getKey())
                {
                    map.remove(k);
                }
            }
            it.forEachRemaining(e -> rest.put(e.getKey(), e.getValue()));
            for (long k = 1; k < 10; k += 2)
            {
                if (k != first.getKey())
                {
                    assertEquals("small " + k, rest.get(k), "small value, copied with the batch");
                }
            }
            for (long k = 0; k < 10; k += 2)
            {
                assertFalse(rest.containsKey(k), "large value of key " + k + " removed before it was reached");
            }
        }
    }

    /**
     * Writers rewrite values while iterators walk: every value iterated is one that was put for its key,
     * whole (a copy torn by a concurrent rewrite or block reuse would mix two values or two keys).
     */
    @Test
    void iteratedValuesAreNeverTornWhileWritersRewriteThem()
    {
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong checked = new AtomicLong();
        try (LockMap<Long, String> strings = LockMap.builder(Serializers.longs(), Serializers.strings())
                .shards(2).expectedEntries(16).build();
             LockMap<Long, UUID> uuids = LockMap.builder(Serializers.longs(), Serializers.uuids())
                 .shards(2).expectedEntries(16).build())
        {
            final int keys = 256;
            for (long k = 0; k < keys; k++)
            {
                strings.put(k, stringFor(k, 1));
                uuids.put(k, new UUID(k << 20, ~(k << 20)));
            }
            Workers.run(4, Duration.ofSeconds(90), t ->
            {
                if (t < 2)
                {
                    final SplittableRandom random = new SplittableRandom(t);
                    try
                    {
                        for (int i = 0; i < 2_000_000 && checked.get() < 2_000 * keys; i++)
                        {
                            final long k = random.nextInt(keys);
                            final int version = random.nextInt(1, 1 << 20);
                            if (random.nextBoolean())
                            {
                                strings.put(k, stringFor(k, version));
                                uuids.put(k, new UUID(k << 20 | version, ~(k << 20 | version)));
                            }
                            else
                            {
                                try (LockedEntry<Long, String> e = strings.lock(k))
                                {
                                    // Pending until close, and overwritten before it: never to be iterated.
                                    e.put("poison " + k);
                                    e.put(stringFor(k, version));
                                }
                            }
                        }
                    }
                    finally
                    {
                        done.set(true);
                    }
                    return;
                }
                do
                {
                    for (final Map.Entry<Long, String> e : strings.entrySet())
                    {
                        final String value = e.getValue();
                        final String prefix = e.getKey() + ":";
                        if (!value.startsWith(prefix) || !value.equals(stringFor(e.getKey(), Integer.parseInt(
                            value.substring(prefix.length(), value.indexOf('|'))))))
                        {
                            fail("key " + e.getKey() + " iterated with torn value " + value);
                        }
                        checked.incrementAndGet();
                    }
                    for (final Map.Entry<Long, UUID> e : uuids.entrySet())
                    {
                        final UUID value = e.getValue();
                        if (value.getMostSignificantBits() >>> 20 != e.getKey() ||
                            value.getLeastSignificantBits() != ~value.getMostSignificantBits())
                        {
                            fail("key " + e.getKey() + " iterated with torn value " + value);
                        }
                    }
                }
                while (!done.get());
            });
            assertTrue(checked.get() >= 2 * keys, "values checked: " + checked);
        }
    }

    /**
     * "key:version|" and a filler of up to 40 chars that depends on the version: few size classes, so
     * a block one key frees is soon reused for another key's value, which a torn copy would show.
     */
    private static String stringFor(final long key, final int version)
    {
        return key + ":" + version + "|" + Character.toString('a' + version % 26).repeat(version % 41);
    }
}
