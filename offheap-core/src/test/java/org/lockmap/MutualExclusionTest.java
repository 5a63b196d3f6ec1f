package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lockmap.support.Maps;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No key is ever held by two owners at once, whichever way it was taken: threads inside one key's
 * critical section are counted, and the count never exceeds one.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MutualExclusionTest
{
    private static final int KEYS = 4;
    private static final int THREADS = 6;
    private static final int OPS_PER_THREAD = 4_000;

    /** How a worker takes its key. */
    enum Mode
    {
        LOCK, TRY_LOCK_SPIN, TRY_LOCK_TIMEOUT, LOCK_INTERRUPTIBLY, LOCK_ALL, TRY_LOCK_ALL, MIXED
    }

    private static final class Counters
    {
        final AtomicIntegerArray inside = new AtomicIntegerArray(KEYS);
        final AtomicIntegerArray maxInside = new AtomicIntegerArray(KEYS);
        final AtomicLongArray entered = new AtomicLongArray(KEYS);
        /** Plain, unsynchronised: only the key's lock orders these increments. */
        final long[] plain = new long[KEYS];

        void enter(final int key)
        {
            final int now = inside.incrementAndGet(key);
            maxInside.accumulateAndGet(key, now, Math::max);
            entered.incrementAndGet(key);
            plain[key]++;
            if ((plain[key] & 7) == 0)
            {
                Thread.yield(); // widen the window in which a second owner would be seen
            }
            else
            {
                Thread.onSpinWait();
            }
        }

        void exit(final int key)
        {
            inside.decrementAndGet(key);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void atMostOneThreadIsInsideAKeysCriticalSection(final Mode mode)
    {
        final Counters c = new Counters();
        final AtomicLong refusals = new AtomicLong();
        try (LockMap<Long, Long> map = Maps.longs())
        {
            Workers.run(THREADS, Duration.ofSeconds(90), t ->
            {
                final ThreadLocalRandom random = ThreadLocalRandom.current();
                final Mode[] modes = Mode.values();
                for (int i = 0; i < OPS_PER_THREAD; i++)
                {
                    final Mode m = mode == Mode.MIXED ? modes[random.nextInt(modes.length - 1)] : mode;
                    final int key = random.nextInt(KEYS);
                    switch (m)
                    {
                        case LOCK ->
                        {
                            try (LockedEntry<Long, Long> e = map.lock((long)key))
                            {
                                critical(c, key, e);
                            }
                        }
                        case LOCK_INTERRUPTIBLY ->
                        {
                            try (LockedEntry<Long, Long> e = map.lockInterruptibly((long)key))
                            {
                                critical(c, key, e);
                            }
                        }
                        case TRY_LOCK_SPIN ->
                        {
                            LockedEntry<Long, Long> e;
                            while ((e = map.tryLock((long)key)) == null)
                            {
                                refusals.incrementAndGet();
                                Thread.yield(); // 6 spinners on 2 cores would otherwise starve the holder
                            }
                            try (LockedEntry<Long, Long> held = e)
                            {
                                critical(c, key, held);
                            }
                        }
                        case TRY_LOCK_TIMEOUT ->
                        {
                            final LockedEntry<Long, Long> e = map.tryLock((long)key, 20, TimeUnit.MILLISECONDS);
                            if (e == null)
                            {
                                refusals.incrementAndGet();
                                continue;
                            }
                            try (LockedEntry<Long, Long> held = e)
                            {
                                critical(c, key, held);
                            }
                        }
                        case LOCK_ALL, TRY_LOCK_ALL ->
                        {
                            final int other = random.nextInt(KEYS);
                            final List<Long> keys = List.of((long)key, (long)other);
                            final BatchLock<Long, Long> batch = m == Mode.LOCK_ALL ?
                                map.lockAll(keys) : map.tryLockAll(keys, 20, TimeUnit.MILLISECONDS);
                            if (batch == null)
                            {
                                refusals.incrementAndGet();
                                continue;
                            }
                            try (batch)
                            {
                                final boolean two = key != other;
                                c.enter(key);
                                if (two)
                                {
                                    c.enter(other);
                                }
                                bump(batch.get((long)key));
                                if (two)
                                {
                                    bump(batch.get((long)other));
                                    c.exit(other);
                                }
                                c.exit(key);
                            }
                        }
                        default -> throw new AssertionError(m);
                    }
                }
            });

            long total = 0;
            for (int k = 0; k < KEYS; k++)
            {
                assertEquals(1, c.maxInside.get(k), "max threads inside key " + k + "'s critical section (" + mode + ")");
                assertEquals(c.entered.get(k), c.plain[k],
                    "plain counter of key " + k + " lost increments: the lock does not order its holders");
                assertEquals(c.entered.get(k), map.get((long)k),
                    "stored counter of key " + k + " differs from the number of critical sections");
                total += c.entered.get(k);
            }
            assertTrue(total > 0, "no critical section ran at all (refusals: " + refusals + ")");
        }
    }

    private static void critical(final Counters c, final int key, final LockedEntry<Long, Long> e)
    {
        c.enter(key);
        bump(e);
        c.exit(key);
    }

    private static void bump(final LockedEntry<Long, Long> e)
    {
        final Long v = e.get();
        e.put(v == null ? 1L : v + 1);
    }

    @Test
    void aKeyHeldByOneThreadIsRefusedToAllOthers()
    {
        try (LockMap<Long, Long> map = Maps.longs(); LockedEntry<Long, Long> held = map.lock(1L))
        {
            final List<String> got = new ArrayList<>();
            Workers.run(4, Duration.ofSeconds(20), t ->
            {
                for (int i = 0; i < 200; i++)
                {
                    final LockedEntry<Long, Long> e = map.tryLock(1L);
                    if (e != null)
                    {
                        e.close();
                        synchronized (got)
                        {
                            got.add("tryLock");
                        }
                    }
                    final LockedEntry<Long, Long> timed = map.tryLock(1L, 1, TimeUnit.MILLISECONDS);
                    if (timed != null)
                    {
                        timed.close();
                        synchronized (got)
                        {
                            got.add("tryLock(timeout)");
                        }
                    }
                    final BatchLock<Long, Long> batch = map.tryLockAll(List.of(2L, 1L), 1, TimeUnit.MILLISECONDS);
                    if (batch != null)
                    {
                        batch.close();
                        synchronized (got)
                        {
                            got.add("tryLockAll");
                        }
                    }
                }
            });
            assertEquals(List.of(), got, "calls that took a key another thread held");
            held.put(1L);
        }
    }
}
