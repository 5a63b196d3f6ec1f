package org.lockmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;
import org.lockmap.support.Threads;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lockAll} takes keys in one global order: random, overlapping, shuffled, duplicated key sets
 * from many threads, mixed with single-key locks and timed batches, always finish and keep exclusion;
 * {@code tryLockAll} is all or nothing.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockAllTest
{
    private static final int KEYS = 12;
    private static final AtomicLong SINK = new AtomicLong();

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

    private static Collection<Long> randomKeys(final SplittableRandom random)
    {
        final int n = 2 + random.nextInt(5);
        final List<Long> keys = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            keys.add((long)random.nextInt(KEYS));
        }
        if (random.nextInt(4) == 0)
        {
            keys.add(keys.get(0)); // a duplicate
        }
        java.util.Collections.shuffle(keys, new java.util.Random(random.nextLong()));
        return random.nextBoolean() ? keys : new LinkedHashSet<>(keys);
    }

    @Test
    void randomOverlappingBatchesFromManyThreadsNeverDeadlockAndKeepExclusion()
    {
        final AtomicIntegerArray inside = new AtomicIntegerArray(KEYS);
        final AtomicIntegerArray maxInside = new AtomicIntegerArray(KEYS);
        final AtomicLongArray increments = new AtomicLongArray(KEYS);
        final AtomicLong batches = new AtomicLong();
        Workers.run(8, Duration.ofSeconds(90), t ->
        {
            final SplittableRandom random = new SplittableRandom(t);
            for (int i = 0; i < 2_000; i++)
            {
                final int kind = random.nextInt(10);
                if (kind == 0)
                {
                    // A single-key holder among the batches: holding one key cannot close a cycle.
                    final long key = random.nextInt(KEYS);
                    try (LockedEntry<Long, Long> e = map.lock(key))
                    {
                        enter(inside, maxInside, (int)key);
                        e.put(e.get() == null ? 1L : e.get() + 1);
                        increments.incrementAndGet((int)key);
                        inside.decrementAndGet((int)key);
                    }
                    continue;
                }
                final Collection<Long> keys = randomKeys(random);
                final Set<Long> distinct = new HashSet<>(keys);
                final BatchLock<Long, Long> batch = kind == 1 ?
                    map.tryLockAll(keys, random.nextInt(3), TimeUnit.MILLISECONDS) : map.lockAll(keys);
                if (batch == null)
                {
                    continue;
                }
                try (batch)
                {
                    batches.incrementAndGet();
                    assertEquals(distinct.size(), batch.size(), "batch size for " + keys);
                    final Set<Long> visited = new HashSet<>();
                    for (final LockedEntry<Long, Long> e : batch)
                    {
                        assertTrue(visited.add(e.key()), "key " + e.key() + " visited twice in " + keys);
                        enter(inside, maxInside, e.key().intValue());
                    }
                    assertEquals(distinct, visited);
                    if ((i & 15) == 0)
                    {
                        Thread.yield();
                    }
                    for (final LockedEntry<Long, Long> e : batch)
                    {
                        e.put(e.get() == null ? 1L : e.get() + 1);
                        increments.incrementAndGet(e.key().intValue());
                        inside.decrementAndGet(e.key().intValue());
                    }
                }
            }
        });
        assertTrue(batches.get() > 1000, "batches taken: " + batches);
        for (int k = 0; k < KEYS; k++)
        {
            assertEquals(1, maxInside.get(k), "max holders of key " + k);
            assertEquals(increments.get(k), map.getOrDefault((long)k, 0L), "increments of key " + k);
        }
    }

    private static void enter(final AtomicIntegerArray inside, final AtomicIntegerArray maxInside, final int key)
    {
        final int now = inside.incrementAndGet(key);
        maxInside.accumulateAndGet(key, now, Math::max);
    }

    /**
     * Happens-before through a batch: a thread that takes one of a batch's keys after the batch released
     * it must see every change the batch made, on its other keys too. That holds if the batch publishes
     * all its changes before it releases any key; it fails if it commits and releases key by key, since a
     * thread can then take the first released key while the others are still unpublished. (Lincheck found
     * this as a non-linearizable history of two-key batches.) Values only grow: batch {@code r} writes
     * {@code r} to both keys.
     */
    @Test
    void aThreadThatTakesAKeyReleasedByABatchSeesAllTheBatchsChanges()
    {
        final long runNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(4);
        final AtomicLong violations = new AtomicLong();
        final AtomicLong firstViolation = new AtomicLong(-1);
        final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        map.put(1L, 0L);
        map.put(2L, 0L);
        // Thread 0 runs batches; 1 and 2 grab a key the moment it is free; 3 and 4 only burn CPU, so that
        // the batch thread is preempted often, sometimes between releasing one key and publishing the other.
        Workers.run(5, Duration.ofSeconds(60), t ->
        {
            if (t == 0)
            {
                final long end = System.nanoTime() + runNanos;
                try
                {
                    for (long r = 1; System.nanoTime() < end && violations.get() == 0; r++)
                    {
                        try (BatchLock<Long, Long> b = map.lockAll(List.of(1L, 2L)))
                        {
                            b.get(1L).put(r);
                            b.get(2L).put(r);
                        }
                    }
                }
                finally
                {
                    done.set(true);
                }
                return;
            }
            if (t >= 3)
            {
                long x = t;
                while (!done.get())
                {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                SINK.set(x);
                return;
            }
            final long mine = t;
            final long other = 3 - t;
            while (!done.get())
            {
                final LockedEntry<Long, Long> e = map.tryLock(mine);
                if (e == null)
                {
                    Thread.onSpinWait();
                    continue;
                }
                try (e)
                {
                    final long seenHere = e.get();
                    final long seenThere = map.get(other);
                    if (seenThere < seenHere)
                    {
                        violations.incrementAndGet();
                        firstViolation.compareAndSet(-1, seenHere * 1_000_000 + seenThere);
                    }
                }
            }
        });
        assertEquals(0, violations.get(), "holding key k after batch " + firstViolation.get() / 1_000_000 +
            " released it, the batch's other key still read " + firstViolation.get() % 1_000_000 +
            ": the batch released one key before publishing the other");
    }

    @Test
    void twoThreadsLockingTheSameKeysInOppositeOrdersDoNotDeadlock()
    {
        Workers.run(2, Duration.ofSeconds(60), t ->
        {
            final List<Long> keys = t == 0 ? List.of(1L, 2L, 3L, 4L) : List.of(4L, 3L, 2L, 1L);
            for (int i = 0; i < 20_000; i++)
            {
                try (BatchLock<Long, Long> b = map.lockAll(keys))
                {
                    b.get(1L).put(b.get(1L).get() == null ? 1L : b.get(1L).get() + 1);
                }
            }
        });
        assertEquals(40_000L, map.get(1L));
    }

    @Test
    void tryLockAllTimesOutHoldingNothingWhenOneKeyIsTaken() throws Throwable
    {
        try (LockedEntry<Long, Long> held = map.lock(3L))
        {
            final Threads.Async<Boolean> other = Threads.start("tryLockAll", () ->
            {
                final long start = System.nanoTime();
                final BatchLock<Long, Long> batch = map.tryLockAll(List.of(1L, 2L, 3L, 4L), 100, TimeUnit.MILLISECONDS);
                final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertNull(batch, "tryLockAll got a batch although key 3 is held");
                assertTrue(elapsedMs >= 95, "gave up after " + elapsedMs + " ms, before the 100 ms timeout");
                // All or nothing: this thread holds none of the others; locking them again must not be a re-lock.
                try (BatchLock<Long, Long> again = map.tryLockAll(List.of(1L, 2L, 4L), 1, TimeUnit.SECONDS))
                {
                    assertNotNull(again, "keys 1, 2, 4 should be free");
                }
                return true;
            });
            assertTrue(other.await(Duration.ofSeconds(20)));
            for (final long k : new long[] {1, 2, 4})
            {
                assertTrue(Probe.isFree(map, k), "key " + k + " left held by a failed tryLockAll");
            }
            held.put(3L);
        }
        assertEquals(Set.of(3L), map.keySet(), "a failed batch leaves no placeholders that count");
    }

    @Test
    void tryLockAllSucceedsWhenTheHolderReleasesWithinTheTimeout() throws Throwable
    {
        final LockedEntry<Long, Long> held = map.lock(2L);
        final Threads.Async<Integer> other = Threads.start("tryLockAll", () ->
        {
            try (BatchLock<Long, Long> batch = map.tryLockAll(List.of(1L, 2L), 10, TimeUnit.SECONDS))
            {
                assertNotNull(batch);
                return batch.size();
            }
        });
        Threads.settle(100);
        assertFalse(other.isDone(), "tryLockAll returned while key 2 was held");
        held.close();
        assertEquals(2, other.await(Duration.ofSeconds(10)));
    }

    @Test
    void lockAllWaitsForEveryKeyAndPublishesAllAtClose() throws Throwable
    {
        final LockedEntry<Long, Long> held = map.lock(5L);
        final Threads.Async<Void> batcher = Threads.start("lockAll", () ->
        {
            try (BatchLock<Long, Long> batch = map.lockAll(List.of(6L, 5L, 7L)))
            {
                batch.forEach(e -> e.put(e.key() * 10));
            }
            return null;
        });
        Threads.awaitBlocked(batcher.thread(), Duration.ofSeconds(5));
        assertNull(map.get(6L), "nothing published before the batch is taken and closed");
        held.close();
        batcher.await(Duration.ofSeconds(10));
        assertEquals(java.util.Map.of(5L, 50L, 6L, 60L, 7L, 70L), map);
    }

    @Test
    void aLargeBatchFindsEachOfItsKeysAndNoOther()
    {
        try (LockMap<String, String> strings = Maps.strings())
        {
            // Keys of different lengths, some sharing prefixes, and duplicates, so that the lookup must compare
            // hashes and bytes, and cannot rely on equal lengths.
            final List<String> keys = new ArrayList<>();
            for (int i = 0; i < 2000; i++)
            {
                keys.add("k" + i);
                keys.add("k" + i % 7);
            }
            try (BatchLock<String, String> batch = strings.lockAll(keys))
            {
                assertEquals(2000, batch.size(), "duplicates collapse");
                for (int i = 0; i < 2000; i++)
                {
                    final LockedEntry<String, String> entry = batch.get("k" + i);
                    assertEquals("k" + i, entry.key());
                    entry.put("v" + i);
                }
                for (final String absent : List.of("k2000", "k", "", "k19999", "x1"))
                {
                    assertThrows(IllegalArgumentException.class, () -> batch.get(absent), absent);
                }
            }
            for (int i = 0; i < 2000; i++)
            {
                assertEquals("v" + i, strings.get("k" + i));
            }
        }
    }

    @Test
    void aBatchFindsItsLongKeysByHashAndBytes()
    {
        final List<Long> keys = new ArrayList<>();
        for (long k = -500; k < 500; k++)
        {
            keys.add(k * 0x9E3779B97F4A7C15L);
        }
        try (BatchLock<Long, Long> batch = map.lockAll(keys))
        {
            for (final Long key : keys)
            {
                assertEquals(key, batch.get(key).key());
            }
            assertThrows(IllegalArgumentException.class, () -> batch.get(1L));
        }
        final BatchLock<Long, Long> closed = map.lockAll(keys);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.get(keys.getFirst()), "get after close");
    }
}
