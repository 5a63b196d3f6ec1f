package org.lockmap.linearizability;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.LockMap;
import org.lockmap.support.LiveMap;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The harness can fail: an increment done as an unlocked get-then-put on the real map is not
 * linearizable, and the same Lincheck configuration must say so.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class LincheckSelfTest
{
    private static final LiveMap LIVE = new LiveMap();

    private final LockMap<Long, Long> map;

    /** Builds a fresh map and closes the previous instance's. */
    public LincheckSelfTest()
    {
        map = LIVE.next();
    }

    @AfterAll
    static void closeLast()
    {
        LIVE.closeLast();
    }

    @Operation
    public Long get(@Param(name = "key") final int key)
    {
        return map.get((long)key);
    }

    /** Not atomic on purpose. */
    @Operation
    public Long brokenIncrement(@Param(name = "key") final int key)
    {
        final Long old = map.get((long)key);
        Thread.yield();
        map.put((long)key, old == null ? 1L : old + 1);
        return old;
    }

    @Test
    void lincheckRejectsANonAtomicIncrement()
    {
        assertThrows(AssertionError.class, () -> new StressOptions()
            .iterations(30)
            .invocationsPerIteration(300)
            .threads(3)
            .actorsPerThread(3)
            .sequentialSpecification(Model.class)
            .minimizeFailedScenario(false)
            .check(LincheckSelfTest.class));
    }

    /** The sequential specification. */
    public static final class Model
    {
        private final Map<Long, Long> map = new HashMap<>();

        public Long get(final int key)
        {
            return map.get((long)key);
        }

        public Long brokenIncrement(final int key)
        {
            final Long old = map.get((long)key);
            map.put((long)key, old == null ? 1L : old + 1);
            return old;
        }
    }
}
