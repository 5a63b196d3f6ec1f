package org.lockmap.linearizability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Long concurrent histories (4 threads, hundreds of operations per key) of get, put, remove,
 * putIfAbsent, compute, containsKey and locked read-modify-writes on a handful of keys, checked per key
 * by {@link RegisterChecker}. Complements Lincheck's many short scenarios with fewer, longer ones. Every
 * put writes a value unique in the run, so a stale or lost write cannot hide behind an equal value.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HistoryLinearizabilityTest
{
    private static final int THREADS = 4;
    private static final int KEYS = 3;
    private static final int OPS_PER_THREAD = 400;

    @Test
    void concurrentHistoriesOfTheMapAreLinearizablePerKey()
    {
        for (int round = 0; round < 25; round++)
        {
            final String violation = runRound(round, false);
            assertNull(violation, "round " + round + ": " + violation);
        }
    }

    @Test
    void theSameHarnessCatchesANonAtomicCompute()
    {
        for (int round = 0; round < 40; round++)
        {
            if (runRound(round, true) != null)
            {
                return;
            }
        }
        throw new AssertionError("40 rounds with an unlocked get-then-put 'compute' all passed: the harness is blind");
    }

    private static String runRound(final int round, final boolean brokenCompute)
    {
        {
            final int seed = round;
            final ConcurrentLinkedQueue<RegisterChecker.Op> history = new ConcurrentLinkedQueue<>();
            try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
                .shards(1 + round % 2).expectedEntries(8).build())
            {
                Workers.run(THREADS, Duration.ofSeconds(30), t ->
                {
                    final SplittableRandom random = new SplittableRandom(seed * 100L + t);
                    final List<RegisterChecker.Op> mine = new ArrayList<>(OPS_PER_THREAD);
                    for (int i = 0; i < OPS_PER_THREAD; i++)
                    {
                        final long key = random.nextInt(KEYS);
                        final long unique = (t + 1) * 1_000_000L + i;
                        final RegisterChecker.Model model;
                        final String name;
                        final long invoke = System.nanoTime();
                        final Long result;
                        switch (random.nextInt(8))
                        {
                            case 0, 1 ->
                            {
                                result = map.get(key);
                                model = RegisterChecker.get();
                                name = "get";
                            }
                            case 2 ->
                            {
                                result = map.put(key, unique);
                                model = RegisterChecker.put(unique);
                                name = "put " + unique;
                            }
                            case 3 ->
                            {
                                result = map.remove(key);
                                model = RegisterChecker.remove();
                                name = "remove";
                            }
                            case 4 ->
                            {
                                result = map.putIfAbsent(key, unique);
                                model = RegisterChecker.putIfAbsent(unique);
                                name = "putIfAbsent " + unique;
                            }
                            case 5 ->
                            {
                                if (brokenCompute)
                                {
                                    final Long old = map.get(key);
                                    Thread.yield();
                                    result = old == null ? unique : old + 1;
                                    map.put(key, result);
                                }
                                else
                                {
                                    result = map.compute(key, (k, old) -> old == null ? unique : old + 1);
                                }
                                model = RegisterChecker.computeIncrementOr(unique);
                                name = "compute(old == null ? " + unique + " : old + 1)";
                            }
                            case 6 ->
                            {
                                result = map.containsKey(key) ? 1L : 0L;
                                model = RegisterChecker.containsKey();
                                name = "containsKey";
                            }
                            default ->
                            {
                                // Locked rewrite: a remove and a scratch put that must never be seen, then the real one.
                                try (LockedEntry<Long, Long> e = map.lock(key))
                                {
                                    result = e.remove();
                                    e.put(-unique);
                                    e.put(unique);
                                }
                                model = RegisterChecker.put(unique);
                                name = "locked put " + unique;
                            }
                        }
                        final long response = System.nanoTime();
                        mine.add(new RegisterChecker.Op(t, key, name, model, result, invoke, response));
                    }
                    history.addAll(mine);
                });
            }
            return RegisterChecker.check(List.copyOf(history), Map.of());
        }
    }

    @Test
    void theCheckerRejectsAReadThatMissesACompletedWrite()
    {
        final List<RegisterChecker.Op> history = List.of(
            new RegisterChecker.Op(0, 1, "put 5", RegisterChecker.put(5), null, 0, 10),
            new RegisterChecker.Op(1, 1, "get", RegisterChecker.get(), null, 20, 30));
        assertNotNull(RegisterChecker.check(history, Map.of()), "a get after a completed put must see it");
    }

    @Test
    void theCheckerRejectsALostUpdate()
    {
        // Two increments overlap, both read 1 and both return 2: one update is lost.
        final List<RegisterChecker.Op> history = List.of(
            new RegisterChecker.Op(0, 1, "compute", RegisterChecker.computeIncrementOr(1), 2L, 0, 10),
            new RegisterChecker.Op(1, 1, "compute", RegisterChecker.computeIncrementOr(1), 2L, 5, 15),
            new RegisterChecker.Op(2, 1, "get", RegisterChecker.get(), 2L, 20, 30));
        assertNotNull(RegisterChecker.check(history, Map.of(1L, 1L)));
    }

    @Test
    void theCheckerRejectsAValueReadBackInTime()
    {
        // put 1, then put 2 (sequential); a later get sees 1 again.
        final List<RegisterChecker.Op> history = List.of(
            new RegisterChecker.Op(0, 1, "put 1", RegisterChecker.put(1), null, 0, 10),
            new RegisterChecker.Op(0, 1, "put 2", RegisterChecker.put(2), 1L, 11, 20),
            new RegisterChecker.Op(1, 1, "get", RegisterChecker.get(), 2L, 12, 25),
            new RegisterChecker.Op(1, 1, "get", RegisterChecker.get(), 1L, 26, 30));
        assertNotNull(RegisterChecker.check(history, Map.of()));
    }

    @Test
    void theCheckerAcceptsOverlappingOperationsInEitherOrder()
    {
        final List<RegisterChecker.Op> history = List.of(
            new RegisterChecker.Op(0, 1, "put 5", RegisterChecker.put(5), null, 0, 10),
            new RegisterChecker.Op(1, 1, "get", RegisterChecker.get(), null, 5, 15),
            new RegisterChecker.Op(2, 1, "get", RegisterChecker.get(), 5L, 6, 16),
            new RegisterChecker.Op(1, 1, "remove", RegisterChecker.remove(), 5L, 20, 30),
            new RegisterChecker.Op(0, 2, "putIfAbsent 3", RegisterChecker.putIfAbsent(3), null, 11, 12));
        assertNull(RegisterChecker.check(history, Map.of()));
    }
}
