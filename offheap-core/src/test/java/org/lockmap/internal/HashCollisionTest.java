package org.lockmap.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.LockMap;
import org.lockmap.LockedEntry;
import org.lockmap.serialization.Serializers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * White box: keys whose 64-bit hashes agree in the low 32 bits (the table's tag and home slot) are still
 * different keys, through inserts, removals (backward-shift deletion) and locks. The pairs are found by
 * a birthday search over {@link KeyHash}, so the test keeps working if the hash function changes.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HashCollisionTest
{
    private static long hashOf(final long key)
    {
        final byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(key).array();
        return KeyHash.hash(bytes, 8);
    }

    /** @return pairs {a, b} of distinct keys whose hashes share the low 32 bits. */
    private static List<long[]> collidingPairs(final int candidates)
    {
        final long[] tagged = new long[candidates];
        for (int i = 0; i < candidates; i++)
        {
            tagged[i] = (hashOf(i) & 0xFFFF_FFFFL) << 32 | i;
        }
        Arrays.sort(tagged);
        final List<long[]> pairs = new ArrayList<>();
        for (int i = 1; i < candidates; i++)
        {
            if (tagged[i] >>> 32 == tagged[i - 1] >>> 32)
            {
                pairs.add(new long[] {tagged[i - 1] & 0xFFFF_FFFFL, tagged[i] & 0xFFFF_FFFFL});
            }
        }
        return pairs;
    }

    @Test
    void keysWithTheSameTagStayDistinctThroughInsertRemoveAndLock()
    {
        final List<long[]> pairs = collidingPairs(1_500_000);
        assertTrue(pairs.size() >= 50, "birthday search found only " + pairs.size() + " colliding pairs");
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs())
            .shards(1).expectedEntries(16).build())
        {
            final Map<Long, Long> model = new HashMap<>();
            for (final long[] p : pairs)
            {
                assertEquals(null, map.put(p[0], -p[0]), "first of a colliding pair is new");
                assertEquals(null, map.put(p[1], -p[1]), "second of a colliding pair " + Arrays.toString(p) + " is new");
                model.put(p[0], -p[0]);
                model.put(p[1], -p[1]);
            }
            assertEquals(model, new HashMap<>(map));
            for (int i = 0; i < pairs.size(); i++)
            {
                final long[] p = pairs.get(i);
                final long gone = p[i % 2];
                final long kept = p[1 - i % 2];
                if (i % 3 == 0)
                {
                    assertEquals(-gone, map.remove(gone));
                }
                else
                {
                    try (LockedEntry<Long, Long> e = map.lock(gone))
                    {
                        assertEquals(-gone, e.remove());
                    }
                }
                model.remove(gone);
                assertEquals(-kept, map.get(kept), "the twin of removed key " + gone);
            }
            assertEquals(model, new HashMap<>(map));
            assertEquals(model.size(), map.size());
            for (final long[] p : pairs)
            {
                map.lock(p[0]).close();
                map.lock(p[1]).close();
            }
            assertEquals(model, new HashMap<>(map), "placeholders of colliding keys changed the contents");
        }
    }
}
