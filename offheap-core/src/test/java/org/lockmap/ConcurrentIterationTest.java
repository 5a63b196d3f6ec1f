package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.BitSet;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Iteration is weakly consistent: while other threads insert and remove (growing tables and shifting
 * runs), an iterator returns every key that stays present throughout exactly once, with its value, and
 * never a key that was never present.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentIterationTest
{
    private static final int STABLE = 5_000;

    @Test
    void keysPresentThroughoutAreIteratedExactlyOnceWhileOthersChurn()
    {
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicInteger iterations = new AtomicInteger();
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .shards(4).expectedEntries(64).build())
        {
            for (long k = 0; k < STABLE; k++)
            {
                map.put(k, -k);
            }
            Workers.run(4, Duration.ofSeconds(60), t ->
            {
                if (t < 2)
                {
                    final SplittableRandom random = new SplittableRandom(t);
                    try
                    {
                        for (int i = 0; i < 300_000 && iterations.get() < 40; i++)
                        {
                            // Churn keys never overlap the stable ones; the range widens so tables grow.
                            final long key = STABLE + 1 + random.nextInt(1_000 + i / 10) * 2L + t;
                            if (random.nextInt(3) == 0)
                            {
                                map.remove(key);
                            }
                            else
                            {
                                map.put(key, -key);
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
                    final BitSet seen = new BitSet(STABLE);
                    final Iterator<Map.Entry<Long, Long>> it = map.entrySet().iterator();
                    while (it.hasNext())
                    {
                        final Map.Entry<Long, Long> e = it.next();
                        final long k = e.getKey();
                        assertEquals(-k, e.getValue(), "value of key " + k);
                        if (k < 0)
                        {
                            fail("iterated key " + k + " that was never put");
                        }
                        if (k < STABLE)
                        {
                            if (seen.get((int)k))
                            {
                                fail("stable key " + k + " iterated twice");
                            }
                            seen.set((int)k);
                        }
                    }
                    assertEquals(STABLE, seen.cardinality(), "stable keys iterated (missing e.g. " + seen.nextClearBit(0) + ")");
                    iterations.incrementAndGet();
                }
                while (!done.get());
            });
            assertTrue(iterations.get() >= 2, "iterations " + iterations);
        }
    }
}
