package org.lockmap.linearizability;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.BatchLock;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.LiveMap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lincheck (stress mode) checks that concurrent histories of map operations, locked read-modify-writes and
 * two-key batches (changing one key each) on a few keys are linearizable against {@link Model}, a plain {@link HashMap}.
 *
 * <p>One shard holds every key, so that {@code size()} (exact per shard) is linearizable too and the shard
 * lock is under the most contention. Lincheck builds one instance per invocation; each new instance closes
 * the previous one's map so that native memory does not pile up.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:5")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class LincheckLinearizabilityTest
{
    private static final LiveMap LIVE = new LiveMap();

    /**
     * Set by each test before Lincheck builds its instances: {@code Long} keys (one fixed size), or
     * {@code String} keys "a", "ab" and "abc" (variable size, each a prefix of the next, and of one entry
     * size), so that the lock-free lookup and the stale-lock check meet keys that share their first bytes.
     */
    private static volatile boolean variableSizeKeys;

    private final LockMap<Object, Long> map;

    /** Builds a fresh map and closes the previous instance's. */
    @SuppressWarnings("unchecked")
    public LincheckLinearizabilityTest()
    {
        final LockMap<?, Long> live = variableSizeKeys ? LIVE.next(Serializers.strings()) : LIVE.next(Serializers.longs());
        map = (LockMap<Object, Long>)live;
    }

    private static Object key(final int key)
    {
        return variableSizeKeys ? "abc".substring(0, key) : (Object)(long)key;
    }

    @AfterAll
    static void closeLast()
    {
        LIVE.closeLast();
    }

    @Operation
    public Long get(@Param(name = "key") final int key)
    {
        return map.get(key(key));
    }

    @Operation
    public boolean containsKey(@Param(name = "key") final int key)
    {
        return map.containsKey(key(key));
    }

    @Operation
    public Long put(@Param(name = "key") final int key, @Param(name = "value") final int value)
    {
        return map.put(key(key), (long)value);
    }

    @Operation
    public Long remove(@Param(name = "key") final int key)
    {
        return map.remove(key(key));
    }

    @Operation
    public Long putIfAbsent(@Param(name = "key") final int key, @Param(name = "value") final int value)
    {
        return map.putIfAbsent(key(key), (long)value);
    }

    @Operation
    public boolean replace(@Param(name = "key") final int key, @Param(name = "value") final int expected)
    {
        return map.replace(key(key), (long)expected, (long)expected + 1);
    }

    @Operation
    public Long merge(@Param(name = "key") final int key, @Param(name = "value") final int value)
    {
        return map.merge(key(key), (long)value, Long::sum);
    }

    @Operation
    public int size()
    {
        return map.size();
    }

    /** Lock, read, write back plus one: returns what it read. */
    @Operation
    public Long lockedIncrement(@Param(name = "key") final int key)
    {
        try (LockedEntry<Object, Long> e = map.lock(key(key)))
        {
            final Long old = e.get();
            e.put(old == null ? 1L : old + 1);
            return old;
        }
    }

    /** Removes, then puts twice: only the last put may ever be seen. */
    @Operation
    public Long lockedRewrite(@Param(name = "key") final int key, @Param(name = "value") final int value)
    {
        try (LockedEntry<Object, Long> e = map.lock(key(key)))
        {
            final Long old = e.remove();
            e.put(-1L);
            e.put((long)value);
            return old;
        }
    }

    /** Locks and releases without a change, or removes: placeholders must stay invisible. */
    @Operation
    public Long lockedRemove(@Param(name = "key") final int key)
    {
        try (LockedEntry<Object, Long> e = map.lock(key(key)))
        {
            return e.remove();
        }
    }

    /**
     * Takes two keys in a batch and increments the first by the second's value. Only one key changes:
     * lock-free readers of two keys are not promised a multi-key snapshot, so a batch that changed two
     * keys could be seen half-published by get/size even with a correct implementation. This op is still
     * linearizable only if the batch publishes its change before releasing the source key (see
     * LockAllTest#aThreadThatTakesAKeyReleasedByABatchSeesAllTheBatchsChanges).
     */
    @Operation
    public Long batchAdd(@Param(name = "key") final int target, @Param(name = "key") final int source)
    {
        try (BatchLock<Object, Long> b = map.lockAll(List.of(key(source), key(target))))
        {
            final Long add = b.get(key(source)).get();
            final LockedEntry<Object, Long> e = b.get(key(target));
            final Long old = e.get();
            if (add != null)
            {
                e.put(old == null ? add : old + add);
            }
            return old;
        }
    }

    @Test
    void historiesOfMapOperationsLocksAndBatchesAreLinearizable()
    {
        check(false);
    }

    @Test
    void historiesWithVariableSizeKeysAreLinearizable()
    {
        check(true);
    }

    private static void check(final boolean withVariableSizeKeys)
    {
        variableSizeKeys = withVariableSizeKeys;
        new StressOptions()
            .iterations(50)
            .invocationsPerIteration(500)
            .threads(3)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(2)
            .sequentialSpecification(Model.class)
            .check(LincheckLinearizabilityTest.class);
    }

    /** The sequential specification: the same operations on a {@link HashMap}. */
    public static final class Model
    {
        private final Map<Long, Long> map = new HashMap<>();

        public Long get(final int key)
        {
            return map.get((long)key);
        }

        public boolean containsKey(final int key)
        {
            return map.containsKey((long)key);
        }

        public Long put(final int key, final int value)
        {
            return map.put((long)key, (long)value);
        }

        public Long remove(final int key)
        {
            return map.remove((long)key);
        }

        public Long putIfAbsent(final int key, final int value)
        {
            return map.putIfAbsent((long)key, (long)value);
        }

        public boolean replace(final int key, final int expected)
        {
            return map.replace((long)key, (long)expected, (long)expected + 1);
        }

        public Long merge(final int key, final int value)
        {
            return map.merge((long)key, (long)value, Long::sum);
        }

        public int size()
        {
            return map.size();
        }

        public Long lockedIncrement(final int key)
        {
            final Long old = map.get((long)key);
            map.put((long)key, old == null ? 1L : old + 1);
            return old;
        }

        public Long lockedRewrite(final int key, final int value)
        {
            return map.put((long)key, (long)value);
        }

        public Long lockedRemove(final int key)
        {
            return map.remove((long)key);
        }

        public Long batchAdd(final int target, final int source)
        {
            final Long add = map.get((long)source);
            final Long old = map.get((long)target);
            if (add != null)
            {
                map.put((long)target, old == null ? add : old + add);
            }
            return old;
        }
    }
}
