package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Capacity given to the builder is a hint: a map built for a thousand entries takes ten million, keeps
 * every one readable through growth (also while other threads read), reports its native memory, and
 * frees it on close.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GrowthTest
{
    private static long valueOf(final long key)
    {
        return key * 0x9E3779B97F4A7C15L ^ 0x5DEECE66DL;
    }

    @Test
    void aMapBuiltForAThousandEntriesTakesTenMillionAndFreesItsMemoryOnClose()
    {
        final int entries = 10_000_000;
        final LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(1_000)
            .build();
        final long empty = map.nativeMemoryBytes();
        assertTrue(empty > 0, "an open map reports some native memory: " + empty);
        for (long k = 0; k < entries; k++)
        {
            map.set(k, valueOf(k));
        }
        assertEquals(entries, map.size());
        assertEquals(entries, map.sizeLong());
        for (long k = 0; k < entries; k++)
        {
            final Long v = map.get(k);
            if (v == null || v != valueOf(k))
            {
                fail("key " + k + " read as " + v + " after growth, expected " + valueOf(k));
            }
        }
        final long full = map.nativeMemoryBytes();
        assertTrue(full >= entries * 16L,
            "nativeMemoryBytes() " + full + " is below the 160 MB of raw keys and values it must hold");
        assertTrue(full > empty, "memory did not grow: " + empty + " -> " + full);
        map.close();
        CloseTest.assertMemoryReleased(map);
    }

    /**
     * Two writers insert disjoint keys into a map built for 16 entries, so that shards grow many times,
     * while two readers check that every key a writer has finished inserting stays readable throughout.
     */
    @Test
    void keysStayReadableWhileOtherThreadsGrowTheMap()
    {
        final int perWriter = 400_000;
        final AtomicLongArray inserted = new AtomicLongArray(2);
        final AtomicBoolean done = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicInteger finishedWriters = new java.util.concurrent.atomic.AtomicInteger();
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(16)
            .shards(4)
            .build())
        {
            Workers.run(4, Duration.ofSeconds(150), t ->
            {
                if (t < 2)
                {
                    try
                    {
                        for (long i = 0; i < perWriter; i++)
                        {
                            final long key = i * 2 + t;
                            if (t == 0)
                            {
                                map.put(key, valueOf(key));
                            }
                            else
                            {
                                try (LockedEntry<Long, Long> e = map.lock(key))
                                {
                                    e.put(valueOf(key));
                                }
                            }
                            inserted.set(t, i + 1);
                        }
                    }
                    finally
                    {
                        if (finishedWriters.incrementAndGet() == 2)
                        {
                            done.set(true);
                        }
                    }
                    return;
                }
                final java.util.SplittableRandom random = new java.util.SplittableRandom(t);
                while (!done.get())
                {
                    final int w = random.nextInt(2);
                    final long upTo = inserted.get(w);
                    if (upTo == 0)
                    {
                        continue;
                    }
                    final long key = random.nextLong(upTo) * 2 + w;
                    final Long v = map.get(key);
                    if (v == null || v != valueOf(key))
                    {
                        fail("key " + key + " (inserted before the read began) read as " + v + " during growth");
                    }
                }
            });
            assertEquals(2 * perWriter, map.size());
        }
    }
}
