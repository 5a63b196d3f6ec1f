package org.lockmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.internal.EntryCensus;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;
import org.lockmap.support.Threads;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Locking an absent key makes a placeholder with no value: it is invisible to size, containsKey and
 * iteration, and it leaves the map when released with no value and no waiters.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PlaceholderTest
{
    private LockMap<Long, Long> map;

    @BeforeEach
    void build()
    {
        map = Maps.longs();
    }

    @AfterEach
    void close()
    {
        map.close();
    }

    private void assertEmpty()
    {
        assertEquals(0, map.size(), "size");
        assertEquals(0L, map.sizeLong(), "sizeLong");
        assertTrue(map.isEmpty(), "isEmpty");
        assertFalse(map.keySet().iterator().hasNext(), "keySet iterator");
        assertFalse(map.entrySet().iterator().hasNext(), "entrySet iterator");
        assertEquals(Map.of(), map);
    }

    @Test
    void aLockedAbsentKeyIsInvisibleWhileHeld()
    {
        try (LockedEntry<Long, Long> e = map.lock(1L))
        {
            assertFalse(e.isPresent());
            assertEquals(0, map.size(), "a placeholder does not count");
            assertEquals(0L, map.sizeLong());
            assertFalse(Probe.getFromAnotherThread(map, 1L) != null, "another thread reads no value");
            assertFalse(map.keySet().iterator().hasNext(), "iteration skips placeholders");
            e.put(5L);
            assertEquals(0, map.size(), "an unpublished value does not count yet");
        }
        assertEquals(1, map.size());
        assertEquals(Map.of(1L, 5L), map);
    }

    @Test
    void releasingWithoutAValueLeavesNothingBehind()
    {
        map.lock(1L).close();
        final LockedEntry<Long, Long> tried = map.tryLock(2L);
        assertNotNull(tried);
        tried.close();
        try (LockedEntry<Long, Long> e = map.lock(3L))
        {
            e.put(3L);
            e.remove();
        }
        map.lockAll(List.of(4L, 5L, 6L)).close();
        assertEmpty();
        for (long k = 1; k <= 6; k++)
        {
            assertFalse(map.containsKey(k));
            assertNull(map.get(k));
            assertTrue(Probe.isFree(map, k));
        }
    }

    @Test
    void aBatchPublishesOnlyTheKeysGivenValues()
    {
        final List<Long> keys = LongStream.range(0, 100).boxed().toList();
        try (BatchLock<Long, Long> batch = map.lockAll(keys))
        {
            for (long k = 0; k < 100; k += 2)
            {
                batch.get(k).put(k);
            }
        }
        assertEquals(50, map.size());
        assertEquals(50, map.keySet().size());
        map.keySet().forEach(k -> assertEquals(0, k % 2, "odd key " + k + " was only locked"));
    }

    @Test
    void aPlaceholderWithAWaiterIsHandedOverAndStillHasNoValue() throws Throwable
    {
        final LockedEntry<Long, Long> first = map.lock(7L);
        final Threads.Async<Boolean> waiter = Threads.start("waiter", () ->
        {
            try (LockedEntry<Long, Long> e = map.lock(7L))
            {
                final boolean present = e.isPresent();
                e.put(70L);
                return present;
            }
        });
        Threads.awaitBlocked(waiter.thread(), Duration.ofSeconds(5));
        first.close();
        assertFalse(waiter.await(Duration.ofSeconds(10)), "the waiter sees no value: the first holder put none");
        assertEquals(Map.of(7L, 70L), map);
    }

    @Test
    void removingTheLastValueThroughAPutWaiterDoesNotResurrectThePlaceholder() throws Throwable
    {
        map.put(8L, 1L);
        final LockedEntry<Long, Long> holder = map.lock(8L);
        final Threads.Async<Long> remover = Threads.start("remover", () -> map.remove(8L));
        Threads.awaitBlocked(remover.thread(), Duration.ofSeconds(5));
        assertFalse(remover.isDone(), "remove waits for the holder");
        holder.put(2L);
        holder.close();
        assertEquals(2L, remover.await(Duration.ofSeconds(10)), "remove returns the holder's published value");
        assertEmpty();
    }

    @Test
    void manyLockReleaseCyclesOfDistinctAbsentKeysDoNotGrowMemoryWithoutBound()
    {
        for (long k = 0; k < 20_000; k++)
        {
            map.lock(k).close();
        }
        final long afterFirstCycles = map.nativeMemoryBytes();
        for (long k = 20_000; k < 400_000; k++)
        {
            map.lock(k).close();
            if ((k & 1) == 0)
            {
                final LockedEntry<Long, Long> e = map.tryLock(-k);
                assertNotNull(e);
                e.close();
            }
        }
        assertEmpty();
        final long afterManyCycles = map.nativeMemoryBytes();
        assertTrue(afterManyCycles <= Math.max(2 * afterFirstCycles, afterFirstCycles + (1 << 20)),
            "native memory grew from " + afterFirstCycles + " to " + afterManyCycles +
                " bytes over 570,000 placeholder lock/release cycles with no key ever kept: placeholders leak");
    }

    @Test
    void manyPutsInsideOneCriticalSectionDoNotAccumulateMemory()
    {
        try (LockMap<Long, byte[]> bytes = LockMap.builder(org.lockmap.serialization.Serializers.longs(),
            org.lockmap.serialization.Serializers.byteArrays()).build())
        {
            bytes.put(1L, new byte[1024]);
            final long before = bytes.nativeMemoryBytes();
            try (LockedEntry<Long, byte[]> e = bytes.lock(1L))
            {
                for (int i = 0; i < 100_000; i++)
                {
                    e.put(new byte[1000 + (i % 48)]);
                }
            }
            for (int i = 0; i < 2_000; i++)
            {
                try (LockedEntry<Long, byte[]> e = bytes.lock(1L))
                {
                    e.put(new byte[1000 + (i % 48)]);
                }
            }
            final long after = bytes.nativeMemoryBytes();
            assertTrue(after - before < 16L << 20,
                "native memory grew by " + (after - before) + " bytes for one key rewritten 102,000 times with ~1 KB values");
            assertEquals(1, bytes.size());
        }
    }

    /**
     * Workers own disjoint key ranges and mutate them at random through every kind of write, while noise
     * threads lock and release keys of every range without writing. At each barrier the map must be
     * exactly the union of the workers' own models.
     */
    @Test
    void sizeAndContentsAreExactAtEveryQuiescentPointUnderConcurrentLockPutRemove()
    {
        final int workers = 3;
        final int noise = 2;
        final int keysPerWorker = 64;
        final int phases = 4;
        final int opsPerPhase = 3_000;
        final CyclicBarrier phaseEnd = new CyclicBarrier(workers + noise + 1);
        final CyclicBarrier phaseStart = new CyclicBarrier(workers + noise + 1);
        final List<Map<Long, Long>> models = new ArrayList<>();
        for (int w = 0; w < workers; w++)
        {
            models.add(new ConcurrentHashMap<>());
        }
        final Threads.Async<Void> checker = Threads.start("checker", () ->
        {
            try
            {
                check(phases, phaseStart, phaseEnd, models);
            }
            catch (final Throwable failure)
            {
                phaseStart.reset(); // release the workers at once rather than at their barrier timeout
                phaseEnd.reset();
                throw failure;
            }
            return null;
        });
        Throwable workerFailure = null;
        try
        {
            runWorkers(workers, noise, keysPerWorker, phases, opsPerPhase, phaseStart, phaseEnd, models);
        }
        catch (final Throwable t)
        {
            workerFailure = t;
        }
        try
        {
            checker.await(Duration.ofSeconds(30));
        }
        catch (final Throwable t)
        {
            final AssertionError error = new AssertionError("checker: " + t.getMessage(), t);
            if (workerFailure != null)
            {
                error.addSuppressed(workerFailure);
            }
            throw error;
        }
        if (workerFailure != null)
        {
            throw new AssertionError(workerFailure.getMessage(), workerFailure);
        }
    }

    private void check(
        final int phases, final CyclicBarrier phaseStart, final CyclicBarrier phaseEnd, final List<Map<Long, Long>> models)
        throws Exception
    {
        {
            for (int phase = 0; phase < phases; phase++)
            {
                phaseStart.await(60, TimeUnit.SECONDS);
                phaseEnd.await(60, TimeUnit.SECONDS);
                final Map<Long, Long> expected = new HashMap<>();
                models.forEach(expected::putAll);
                assertEquals(expected.size(), map.size(), "size after phase " + phase);
                assertEquals(expected.size(), map.sizeLong(), "sizeLong after phase " + phase);
                // size() counts keys with values only; a placeholder left behind would show here alone.
                assertEquals(expected.size(), EntryCensus.entries(map), "entries, placeholders included, after phase " + phase);
                assertEquals(expected, new HashMap<>(map), "contents after phase " + phase);
                int iterated = 0;
                for (final Long ignored : map.keySet())
                {
                    iterated++;
                }
                assertEquals(expected.size(), iterated, "iterated keys after phase " + phase);
            }
        }
    }

    private void runWorkers(
        final int workers, final int noise, final int keysPerWorker, final int phases, final int opsPerPhase,
        final CyclicBarrier phaseStart, final CyclicBarrier phaseEnd, final List<Map<Long, Long>> models)
    {
        Workers.run(workers + noise, Duration.ofSeconds(100), t ->
        {
            try
            {
                work(t, workers, keysPerWorker, phases, opsPerPhase, phaseStart, phaseEnd, models);
            }
            catch (final Throwable failure)
            {
                phaseStart.reset(); // release the others at once rather than at their barrier timeout
                phaseEnd.reset();
                throw failure;
            }
        });
    }

    private void work(
        final int t, final int workers, final int keysPerWorker, final int phases, final int opsPerPhase,
        final CyclicBarrier phaseStart, final CyclicBarrier phaseEnd, final List<Map<Long, Long>> models)
        throws Exception
    {
        {
            final SplittableRandom random = new SplittableRandom(t * 31L + 1);
            for (int phase = 0; phase < phases; phase++)
            {
                phaseStart.await(60, TimeUnit.SECONDS);
                for (int i = 0; i < opsPerPhase; i++)
                {
                    if (t >= workers)
                    {
                        final long key = random.nextInt(workers * keysPerWorker);
                        if (random.nextBoolean())
                        {
                            map.lock(key).close();
                        }
                        else
                        {
                            final LockedEntry<Long, Long> e = map.tryLock(key);
                            if (e != null)
                            {
                                e.close();
                            }
                        }
                        continue;
                    }
                    final Map<Long, Long> model = models.get(t);
                    final long key = (long)t * keysPerWorker + random.nextInt(keysPerWorker);
                    final long value = random.nextLong();
                    switch (random.nextInt(9))
                    {
                        case 0 -> assertEquals(model.put(key, value), map.put(key, value));
                        case 1 -> assertEquals(model.remove(key), map.remove(key));
                        case 2 ->
                        {
                            map.set(key, value);
                            model.put(key, value);
                        }
                        case 3 -> assertEquals(model.remove(key) != null, map.delete(key));
                        case 4 ->
                        {
                            try (LockedEntry<Long, Long> e = map.lock(key))
                            {
                                assertEquals(model.get(key), e.get());
                                e.put(value);
                                model.put(key, value);
                            }
                        }
                        case 5 ->
                        {
                            try (LockedEntry<Long, Long> e = map.lock(key))
                            {
                                assertEquals(model.remove(key), e.remove());
                            }
                        }
                        case 6 -> map.lock(key).close();
                        case 7 -> assertEquals(model.putIfAbsent(key, value), map.putIfAbsent(key, value));
                        case 8 ->
                        {
                            final Long next = random.nextBoolean() ? null : value;
                            assertEquals(model.compute(key, (k, v) -> next), map.compute(key, (k, v) -> next));
                        }
                        default -> throw new AssertionError();
                    }
                }
                phaseEnd.await(60, TimeUnit.SECONDS);
            }
        }
    }
}
