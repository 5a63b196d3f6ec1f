package org.lockmap.bench;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Variable-size keys: {@code String -> Long}, keys of 16 to 20 ASCII characters, otherwise as
 * {@link MapBenchmark} ({@code get}; {@code rmw}: LockMap's {@code lock} with {@code e.put(e.get() + 1)},
 * Chronicle Map's query context with its update lock, CHM's {@code merge}).
 */
@State(Scope.Benchmark)
public class StringKeyBenchmark extends PeerBenchmark
{
    /** The map under test. */
    @Param({BenchMap.LOCKMAP, BenchMap.CHM, BenchMap.CHRONICLE})
    public String map;

    /** How many keys the map is prefilled with, and drawn from. */
    @Param("1000000")
    public int entries;

    /** {@code random} or {@code sequential}, as in {@link MapBenchmark#access}. */
    @Param("random")
    public String access;

    private String[] keys;
    private Target target;

    /**
     * Builds and prefills the map.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        keys = new String[entries];
        for (int i = 0; i < entries; i++)
        {
            // 16 hex digits of a spread of i, plus 0 to 4 more characters: distinct, of varying length.
            keys[i] = String.format("%016x", Keys.mix64(i)) + "abcd".substring(i % 5);
        }
        target = switch (map)
        {
            case BenchMap.LOCKMAP -> new LockMapStrings(entries);
            case BenchMap.CHM -> new ChmStrings(entries);
            case BenchMap.CHRONICLE -> new ChronicleStrings(entries);
            default -> throw new IllegalArgumentException(map);
        };
        for (final int i : Keys.shuffledIndices(entries))
        {
            target.set(keys[i], (long)i);
        }
    }

    /**
     * Frees the map.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        target.close();
    }

    /**
     * @param p the key picker.
     * @return the value.
     */
    @Benchmark
    public Long get(final Picker p)
    {
        return target.get(keys[p.next()]);
    }

    /**
     * @param p the key picker.
     */
    @Benchmark
    public void rmw(final Picker p)
    {
        target.increment(keys[p.next()]);
    }

    /**
     * One map under test, as {@link BenchMap} is for {@code Long} keys: one implementation per fork, so
     * the calls stay monomorphic.
     */
    private abstract static class Target implements AutoCloseable
    {
        abstract Long get(String key);

        abstract void set(String key, Long value);

        abstract void increment(String key);

        @Override
        public abstract void close();
    }

    private static final class LockMapStrings extends Target
    {
        private final LockMap<String, Long> map;

        LockMapStrings(final int entries)
        {
            map = LockMap.builder(Serializers.strings(), Serializers.longs()).expectedEntries(entries).averageKeySize(18).build();
        }

        @Override
        Long get(final String key)
        {
            return map.get(key);
        }

        @Override
        void set(final String key, final Long value)
        {
            map.set(key, value);
        }

        @Override
        void increment(final String key)
        {
            try (LockedEntry<String, Long> e = map.lock(key))
            {
                e.put(e.get() + 1);
            }
        }

        @Override
        public void close()
        {
            map.close();
        }
    }

    private static final class ChmStrings extends Target
    {
        private final ConcurrentHashMap<String, Long> map;

        ChmStrings(final int entries)
        {
            map = new ConcurrentHashMap<>(entries);
        }

        @Override
        Long get(final String key)
        {
            return map.get(key);
        }

        @Override
        void set(final String key, final Long value)
        {
            map.put(key, value);
        }

        @Override
        void increment(final String key)
        {
            map.merge(key, 1L, Long::sum);
        }

        @Override
        public void close()
        {
        }
    }

    private static final class ChronicleStrings extends Target
    {
        private final ChronicleMap<String, Long> map;

        ChronicleStrings(final int entries)
        {
            map = ChronicleMap.of(String.class, Long.class).name("strings").entries(entries).averageKeySize(18).create();
        }

        @Override
        Long get(final String key)
        {
            return map.get(key);
        }

        @Override
        void set(final String key, final Long value)
        {
            map.put(key, value);
        }

        @Override
        void increment(final String key)
        {
            try (ExternalMapQueryContext<String, Long, ?> c = map.queryContext(key))
            {
                c.updateLock().lock();
                final MapEntry<String, Long> e = c.entry();
                c.replaceValue(e, c.wrapValueAsData(e.value().get() + 1));
            }
        }

        @Override
        public void close()
        {
            map.close();
        }
    }
}
