package org.lockmap;

import org.junit.jupiter.api.Test;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Probe;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class CoreSmokeTest
{
    @Test
    void putGetRemoveAndGrowLongLong()
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).expectedEntries(100).shards(4).build())
        {
            final Map<Long, Long> reference = new HashMap<>();
            for (long i = 0; i < 200_000; i++)
            {
                assertNull(map.put(i, i * 3));
                reference.put(i, i * 3);
            }
            assertEquals(200_000, map.size());
            for (long i = 0; i < 200_000; i += 2)
            {
                assertEquals(i * 3, map.remove(i));
                reference.remove(i);
            }
            assertEquals(reference, new HashMap<>(map));
            assertEquals(reference, map);
            for (long i = 1; i < 200_000; i += 2)
            {
                assertEquals(i * 3, map.get(i));
            }
            assertNull(map.get(0L));
        }
    }

    @Test
    void stringsAndLocks() throws Exception
    {
        try (LockMap<String, String> map = LockMap.builder(Serializers.strings(), Serializers.strings()).build())
        {
            map.put("a", "1");
            try (LockedEntry<String, String> e = map.lock("a"))
            {
                assertEquals("1", e.get());
                e.put("two");
                assertEquals("1", Probe.getFromAnotherThread(map, "a"));
                assertEquals("two", e.get());
                assertThrows(IllegalStateException.class, () -> map.lock("a"));
                assertThrows(IllegalStateException.class, () -> map.put("a", "x"));
            }
            assertEquals("two", map.get("a"));
            try (LockedEntry<String, String> e = map.lock("absent"))
            {
                assertNull(e.get());
                assertFalse(Probe.onAnotherThread(() -> map.containsKey("absent")));
            }
            assertEquals(1, map.size());
            final AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
            final AtomicInteger max = new AtomicInteger();
            final Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++)
            {
                threads[t] = Thread.ofPlatform().start(() ->
                {
                    for (int i = 0; i < 20_000; i++)
                    {
                        try (LockedEntry<String, String> e = map.lock("k" + (i % 3)))
                        {
                            max.accumulateAndGet(inside[i % 3].incrementAndGet(), Math::max);
                            final String v = e.get();
                            e.put(String.valueOf(v == null ? 1 : Integer.parseInt(v) + 1));
                            inside[i % 3].decrementAndGet();
                        }
                        map.merge("m", "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1));
                    }
                });
            }
            for (final Thread t : threads)
            {
                t.join();
            }
            assertEquals(1, max.get());
            assertEquals(80_000, Integer.parseInt(map.get("m")));
            assertEquals(80_000, Integer.parseInt(map.get("k0")) + Integer.parseInt(map.get("k1")) + Integer.parseInt(map.get("k2")));
            try (BatchLock<String, String> b = map.lockAll(List.of("k0", "k1", "k0", "zz")))
            {
                assertEquals(3, b.size());
                b.get("zz").put("new");
            }
            assertEquals("new", map.get("zz"));
        }
    }
}
