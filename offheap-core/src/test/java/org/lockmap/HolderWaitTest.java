package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;
import org.lockmap.support.Threads;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every write through the map on a key that another thread holds waits for the holder, then acts on the
 * value the holder left: a write that did not wait would act on the value from before the critical
 * section (1 here, where the holder leaves 2), and its result or the final value would show it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HolderWaitTest
{
    private static final long KEY = 1L;

    /**
     * @param name     the operation.
     * @param write    the operation on the map, returning its result (null for void ones).
     * @param result   what it must return once the holder has left 2 (and 1 was committed before).
     * @param after    the key's value afterwards, or null for none.
     */
    record Write(String name, Function<LockMap<Long, Long>, Object> write, Object result, Long after)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static List<Write> writes()
    {
        return List.of(
            new Write("put", m -> m.put(KEY, 3L), 2L, 3L),
            new Write("set", m -> { m.set(KEY, 3L); return null; }, null, 3L),
            new Write("delete", m -> m.delete(KEY), true, null),
            new Write("remove", m -> m.remove(KEY), 2L, null),
            new Write("remove(k, v)", m -> m.remove(KEY, 2L), true, null),
            new Write("replace", m -> m.replace(KEY, 3L), 2L, 3L),
            new Write("replace(k, old, new)", m -> m.replace(KEY, 2L, 3L), true, 3L),
            new Write("putIfAbsent", m -> m.putIfAbsent(KEY, 3L), 2L, 2L),
            new Write("compute", m -> m.compute(KEY, (k, v) -> v + 10), 12L, 12L),
            new Write("computeIfPresent", m -> m.computeIfPresent(KEY, (k, v) -> v + 10), 12L, 12L),
            new Write("merge", m -> m.merge(KEY, 10L, Long::sum), 12L, 12L),
            new Write("clear", m -> { m.clear(); return null; }, null, null),
            new Write("keySet iterator remove", m ->
            {
                for (final Iterator<Long> it = m.keySet().iterator(); it.hasNext(); )
                {
                    if (it.next() == KEY)
                    {
                        it.remove();
                    }
                }
                return null;
            }, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void waitsForTheHolderThenActsOnWhatItLeft(final Write write) throws Throwable
    {
        try (LockMap<Long, Long> map = Maps.longs())
        {
            map.put(KEY, 1L);
            map.put(KEY + 1, 100L);
            final LockedEntry<Long, Long> held = map.lock(KEY);
            held.put(2L);
            final Threads.Async<Object> writer = Threads.start(write.name, () -> write.write.apply(map));
            Threads.awaitBlocked(writer.thread(), Duration.ofSeconds(5));
            Threads.settle(100);
            assertFalse(writer.isDone(), write.name + " went through while the key was held");
            assertEquals(1L, Probe.getFromAnotherThread(map, KEY), "the last released value meanwhile");
            held.close();
            assertEquals(write.result, writer.await(Duration.ofSeconds(10)), write.name + "'s result");
            assertEquals(write.after, map.get(KEY), "the value after " + write.name);
        }
    }

    /** On a present key it returns the value at once, as a read; on a held absent key it must wait. */
    @Test
    void computeIfAbsentOfAHeldAbsentKeyWaitsAndSeesTheHoldersValue() throws Throwable
    {
        try (LockMap<Long, Long> map = Maps.longs())
        {
            final LockedEntry<Long, Long> held = map.lock(5L);
            held.put(50L);
            final Threads.Async<Long> writer = Threads.start("computeIfAbsent", () -> map.computeIfAbsent(5L, k -> 99L));
            Threads.awaitBlocked(writer.thread(), Duration.ofSeconds(5));
            Threads.settle(100);
            assertFalse(writer.isDone(), "computeIfAbsent went through while the absent key was held");
            held.close();
            assertEquals(50L, writer.await(Duration.ofSeconds(10)));
            assertEquals(50L, map.get(5L));
        }
    }
}
