package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A present key is locked by one CAS on its entry's lock word, found by a lookup without the shard
 * lock, and a word value is released without it too. These tests run that path
 * against every way an entry is removed, freed and reused for another key, on one shard so that freed
 * entries come back at once.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockWithoutShardLockTest
{
    private static final int COUNTED_KEYS = 6;
    private static final long CHURN_KEYS = 64;
    private static final int OPS = 40_000;

    /**
     * Counted keys are incremented through locks and merge, and removed through a held entry and through
     * {@code remove}: what was removed is banked, so each key's value plus its bank equals the number of
     * increments (a lost update or a write from a stale lock breaks it). Other threads insert and remove
     * other keys in the same shard, so that removed entries are reused under lookups that found them. A
     * count of threads inside each key checks mutual exclusion.
     */
    @Test
    void locksTakenWithoutTheShardLockStayExclusiveWhileEntriesAreFreedAndReused()
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(16).shards(1).build())
        {
            churnAndCount(map, key -> key);
        }
    }

    /**
     * The same with variable-size keys, whose freed entries are kept for entries by size class. Counted
     * keys are prefixes of churned ones ({@code "k1"} of {@code "k10"} to {@code "k19"}), of the same
     * entry size or not, so a stale lock that compared only the shorter key's bytes would take another key.
     */
    @Test
    void locksOfVariableSizeKeysTakenWithoutTheShardLockStayExclusiveWhileEntriesAreFreedAndReused()
    {
        try (LockMap<String, Long> map = LockMap.builder(Serializers.strings(), Serializers.longs())
            .expectedEntries(16).shards(1).build())
        {
            churnAndCount(map, key -> key < 1_000 ? "k" + key : "k" + (key - 1_000 + 10) + "x".repeat((int)(key % 11)));
        }
    }

    private static <K> void churnAndCount(final LockMap<K, Long> map, final LongFunction<K> keyOf)
    {
        final AtomicLongArray increments = new AtomicLongArray(COUNTED_KEYS);
        final AtomicLongArray banked = new AtomicLongArray(COUNTED_KEYS);
        final AtomicIntegerArray inside = new AtomicIntegerArray(COUNTED_KEYS);
        final AtomicInteger violations = new AtomicInteger();
        Workers.run(6, Duration.ofSeconds(150), t ->
        {
            final SplittableRandom random = new SplittableRandom(t * 31L + 7);
            if (t >= 4)
            {
                for (int i = 0; i < OPS * 2; i++)
                {
                    final long key = 1_000 + random.nextLong(CHURN_KEYS);
                    if (random.nextBoolean())
                    {
                        map.put(keyOf.apply(key), key);
                    }
                    else
                    {
                        map.remove(keyOf.apply(key));
                    }
                }
                return;
            }
            for (int i = 0; i < OPS; i++)
            {
                final int key = random.nextInt(COUNTED_KEYS);
                final int way = random.nextInt(10);
                if (way < 7)
                {
                    try (LockedEntry<K, Long> e = map.lock(keyOf.apply(key)))
                    {
                        if (inside.incrementAndGet(key) != 1)
                        {
                            violations.incrementAndGet();
                        }
                        final Long v = e.get();
                        if (way == 0 && v != null)
                        {
                            banked.addAndGet(key, e.remove());
                        }
                        else
                        {
                            e.put(v == null ? 1L : v + 1);
                            increments.incrementAndGet(key);
                        }
                        inside.decrementAndGet(key);
                    }
                }
                else if (way < 9)
                {
                    map.merge(keyOf.apply(key), 1L, Long::sum);
                    increments.incrementAndGet(key);
                }
                else
                {
                    final Long removed = map.remove(keyOf.apply(key));
                    if (removed != null)
                    {
                        banked.addAndGet(key, removed);
                    }
                }
            }
        });
        assertEquals(0, violations.get(), "threads inside one key at once");
        for (int key = 0; key < COUNTED_KEYS; key++)
        {
            final Long value = map.get(keyOf.apply(key));
            assertEquals(increments.get(key), (value == null ? 0 : value) + banked.get(key), "key " + key);
        }
        for (long key = 1_000; key < 1_000 + CHURN_KEYS; key++)
        {
            final Long value = map.get(keyOf.apply(key));
            if (value != null)
            {
                assertEquals(key, value, "a churned key's value");
            }
        }
    }

    /**
     * A key held through the lock-free path when the map closes keeps the memory until it is released;
     * the release then frees it.
     */
    @Test
    void aKeyLockedWithoutTheShardLockPinsTheMemoryAcrossClose()
    {
        final LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .expectedEntries(16).shards(1).build();
        map.put(1L, 10L);
        final LockedEntry<Long, Long> held = map.lock(1L);
        map.close();
        assertEquals(true, map.nativeMemoryBytes() > 0, "memory kept for the holder");
        held.close();
        assertEquals(0, map.nativeMemoryBytes(), "memory freed by the last holder");
    }

    /**
     * Found by review: values of fewer than 8 bytes were copied out byte by byte, so a reader could mix
     * the bytes of two values when a holder committed without the shard lock. The two values here differ
     * in every byte; a torn read is neither.
     */
    @Test
    void valuesOfUnderEightBytesAreReadWhole() throws Exception
    {
        final int a = 0x00FF_FFFF;
        final int b = 0x0100_0000;
        try (LockMap<Long, Integer> map = LockMap.builder(Serializers.longs(), Serializers.ints()).shards(1).build())
        {
            map.put(1L, a);
            final AtomicInteger torn = new AtomicInteger();
            final AtomicInteger stop = new AtomicInteger();
            final Thread reader = Thread.ofPlatform().start(() ->
            {
                while (stop.get() == 0)
                {
                    final int v = map.get(1L);
                    if (v != a && v != b)
                    {
                        torn.incrementAndGet();
                    }
                }
            });
            final long end = System.nanoTime() + 1_000_000_000L;
            for (int i = 0; System.nanoTime() < end; i++)
            {
                try (LockedEntry<Long, Integer> e = map.lock(1L))
                {
                    e.put((i & 1) == 0 ? b : a);
                }
            }
            stop.set(1);
            reader.join();
            assertEquals(0, torn.get(), "torn reads");
        }
    }

    /**
     * Found by review: a waiter that took a key just released by a holder, after the map closed, dropped
     * the shard's last pin and then forgot that it had to free the memory.
     */
    @Test
    void closingWhileAWaiterTakesTheKeyStillFreesTheMemory() throws Exception
    {
        for (int round = 0; round < 200; round++)
        {
            final LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).shards(1).build();
            map.put(1L, 1L);
            final LockedEntry<Long, Long> held = map.lock(1L);
            final Thread waiter = Thread.ofPlatform().start(() ->
            {
                try
                {
                    map.lock(1L).close();
                }
                catch (final IllegalStateException closed)
                {
                    // The map closed first.
                }
            });
            while (waiter.getState() != Thread.State.WAITING && waiter.isAlive())
            {
                Thread.onSpinWait();
            }
            held.close();
            map.close();
            waiter.join();
            assertEquals(0, map.nativeMemoryBytes(), "memory freed, round " + round);
        }
    }

    /**
     * Found by review: another thread's close of a batch published its changes and then left every key
     * held for good. Now it changes nothing, and the owner's close still releases.
     */
    @Test
    void anotherThreadsCloseOfABatchLeavesItHeld() throws Exception
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).build())
        {
            map.put(1L, 1L);
            final BatchLock<Long, Long> batch = map.lockAll(java.util.List.of(1L, 2L));
            batch.get(1L).put(5L);
            final AtomicReference<Object> seen = new AtomicReference<>();
            final Thread other = Thread.ofPlatform().start(() ->
            {
                try
                {
                    batch.close();
                    seen.set("accepted");
                }
                catch (final IllegalStateException expected)
                {
                    seen.set(map.tryLock(1L) == null && map.get(1L) == 1L ? "refused, unchanged" : "refused, but changed");
                }
            });
            other.join();
            assertEquals("refused, unchanged", seen.get());
            batch.close();
            assertEquals(5L, map.get(1L));
            try (LockedEntry<Long, Long> e = map.tryLock(2L))
            {
                assertEquals(true, e != null, "the batch's keys are free again");
            }
        }
    }

    /**
     * Another thread's close of an entry is refused and leaves the key held; the owner's close frees it.
     */
    @Test
    void onlyTheLockingThreadCloses() throws Exception
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).build())
        {
            map.put(1L, 1L);
            final LockedEntry<Long, Long> held = map.lock(1L);
            final AtomicReference<Object> seen = new AtomicReference<>();
            final Thread other = Thread.ofPlatform().start(() ->
            {
                try
                {
                    held.close();
                    seen.set("accepted");
                }
                catch (final IllegalStateException expected)
                {
                    seen.set(map.tryLock(1L) == null ? "refused, still held" : "refused, but freed");
                }
            });
            other.join();
            assertEquals("refused, still held", seen.get());
            held.put(2L);
            held.close();
            assertEquals(2L, map.get(1L));
        }
    }
}
