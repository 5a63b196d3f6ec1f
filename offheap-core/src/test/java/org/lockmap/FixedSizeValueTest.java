package org.lockmap;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.lockmap.internal.EntryLayout;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Probe;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fixed-size values take one of two layouts: up to 8 bytes, one word committed by one store, the holder's
 * pending value kept on the heap; larger, two slots flipped on close. Every size class goes through the
 * same held and unheld operations here.
 */
class FixedSizeValueTest
{
    @Test
    void entriesOfWordValuesAreHalfACacheLine()
    {
        assertEquals(32, new EntryLayout(Serializers.longs(), Serializers.longs(), 0).entrySize(8));
        assertEquals(32, new EntryLayout(Serializers.longs(), Serializers.bytes(), 0).entrySize(8));
        assertEquals(16 + 8 + 2 * 16, new EntryLayout(Serializers.longs(), Serializers.uuids(), 0).entrySize(8));
    }

    @Test
    void oneByteValues()
    {
        exercise(Serializers.bytes(), (byte)-1, (byte)0x7F, (byte)0);
    }

    @Test
    void twoByteValues()
    {
        exercise(Serializers.shorts(), (short)-2, (short)0x1234, (short)0);
    }

    @Test
    void fourByteValues()
    {
        exercise(Serializers.ints(), -3, 0x7ABC_DEF0, 0);
        exercise(Serializers.floats(), -0.0f, Float.NaN, 1.5f);
    }

    @Test
    void eightByteValues()
    {
        exercise(Serializers.longs(), -1L, Long.MIN_VALUE, 0L);
        exercise(Serializers.doubles(), -0.0, Double.MAX_VALUE, 0.0);
    }

    @Test
    void sixteenByteValuesUseTwoSlots()
    {
        exercise(Serializers.uuids(), new UUID(-1, -2), new UUID(1, 2), new UUID(0, 0));
    }

    /**
     * @param first  a value with many bits set.
     * @param second another.
     * @param zero   the all-zero value, which must still count as present.
     */
    private static <V> void exercise(final Serializer<V> values, final V first, final V second, final V zero)
    {
        final int size = values.fixedSize();
        try (LockMap<Long, V> map = LockMap.builder(Serializers.longs(), values).build())
        {
            // Held: the pending value is seen by the holder only, then committed by close.
            try (LockedEntry<Long, V> entry = map.lock(1L))
            {
                assertNull(entry.get());
                assertNull(entry.put(first));
                assertEquals(first, entry.get());
                assertTrue(entry.isPresent());
                assertEquals(size, entry.valueBytes().capacity());
                assertNull(Probe.getFromAnotherThread(map, 1L), "a pending value is not visible before close");
            }
            assertEquals(first, map.get(1L));

            // A writer of raw bytes, then one that fails: the earlier pending value stays.
            final byte[] secondBytes = new byte[size];
            final org.agrona.concurrent.UnsafeBuffer encoded = new org.agrona.concurrent.UnsafeBuffer(new byte[size]);
            values.write(second, encoded, 0);
            encoded.getBytes(0, secondBytes);
            try (LockedEntry<Long, V> entry = map.lock(1L))
            {
                assertEquals(first, entry.get());
                entry.putValueBytes(size, buffer ->
                {
                    assertEquals(first, entry.get(), "the writer's bytes are not the entry's value yet");
                    buffer.putBytes(0, secondBytes);
                });
                assertEquals(second, entry.get());
                final DirectBuffer view = entry.valueBytes();
                for (int i = 0; i < size; i++)
                {
                    assertEquals(secondBytes[i], view.getByte(i));
                }
                assertThrows(IllegalStateException.class, () -> entry.putValueBytes(size, buffer ->
                {
                    buffer.setMemory(0, size, (byte)0x55);
                    throw new IllegalStateException("writer failed");
                }));
                assertEquals(second, entry.get());
                assertEquals(first, Probe.getFromAnotherThread(map, 1L));
            }
            assertEquals(second, map.get(1L));

            // Unheld operations compare and replace the committed bytes.
            assertFalse(map.replace(1L, first, zero));
            assertTrue(map.replace(1L, second, zero));
            assertEquals(zero, map.get(1L));
            assertTrue(map.containsKey(1L), "an all-zero value is present");
            assertEquals(zero, map.put(1L, first));
            try (LockedEntry<Long, V> entry = map.lock(1L))
            {
                assertEquals(first, entry.remove());
                assertNull(entry.get());
                assertFalse(entry.isPresent());
                assertNull(entry.valueBytes());
                assertEquals(first, Probe.getFromAnotherThread(map, 1L), "a pending removal is not visible before close");
            }
            assertNull(map.get(1L));
            assertEquals(0, map.size());

            // A held entry that is never changed keeps its value; one put then removed leaves nothing.
            map.put(2L, second);
            try (LockedEntry<Long, V> entry = map.lock(2L))
            {
                assertEquals(second, entry.get());
            }
            try (LockedEntry<Long, V> entry = map.lock(3L))
            {
                entry.put(first);
                entry.remove();
            }
            assertEquals(second, map.get(2L));
            assertFalse(map.containsKey(3L));
            assertEquals(1, map.size());
        }
    }
}
