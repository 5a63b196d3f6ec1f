package org.lockmap;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Probe;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/**
 * LockedEntry.valueBytes() and putValueBytes(): zero-copy access to stored values for Agrona/SBE flyweights.
 */
class FlyweightAccessTest
{
    @Test
    void putValueBytesWritesStraightIntoNativeMemoryAndPublishesOnClose()
    {
        try (LockMap<Long, byte[]> map = LockMap.builder(Serializers.longs(), Serializers.byteArrays()).build())
        {
            try (LockedEntry<Long, byte[]> entry = map.lock(7L))
            {
                entry.putValueBytes(12, buffer ->
                {
                    buffer.putLong(0, 0x0102030405060708L, ByteOrder.LITTLE_ENDIAN);
                    buffer.putInt(8, 42, ByteOrder.LITTLE_ENDIAN);
                });
                assertNull(Probe.getFromAnotherThread(map, 7L), "not published before close");
                final DirectBuffer bytes = entry.valueBytes();
                assertEquals(12, bytes.capacity());
                assertEquals(42, bytes.getInt(8, ByteOrder.LITTLE_ENDIAN));
            }
            final byte[] stored = map.get(7L);
            assertEquals(12, stored.length);
            assertEquals(8, stored[0]);
            assertEquals(42, stored[8]);
        }
    }

    @Test
    void fixedSizeValuesAreWrittenInPlaceAndMustHaveTheirSize()
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).build())
        {
            map.put(1L, 10L);
            try (LockedEntry<Long, Long> entry = map.lock(1L))
            {
                assertEquals(10L, entry.valueBytes().getLong(0, ByteOrder.LITTLE_ENDIAN));
                assertThrows(IllegalArgumentException.class, () -> entry.putValueBytes(4, b -> { }));
                entry.putValueBytes(8, b -> b.putLong(0, 11L, ByteOrder.LITTLE_ENDIAN));
                assertEquals(11L, entry.get());
                assertEquals(10L, Probe.getFromAnotherThread(map, 1L));
            }
            assertEquals(11L, map.get(1L));
        }
    }

    @Test
    void aWriterThatThrowsLeavesThePreviousValue()
    {
        try (LockMap<Long, Long> fixed = LockMap.builder(Serializers.longs(), Serializers.longs()).build();
            LockMap<Long, String> variable = LockMap.builder(Serializers.longs(), Serializers.strings()).build())
        {
            fixed.put(1L, 10L);
            try (LockedEntry<Long, Long> entry = fixed.lock(1L))
            {
                entry.put(20L);
                assertThrows(IllegalStateException.class, () -> entry.putValueBytes(8, b ->
                {
                    b.putLong(0, 99L, ByteOrder.LITTLE_ENDIAN);
                    throw new IllegalStateException("writer failed");
                }));
                assertEquals(20L, entry.get(), "the holder's last put survives a failed writer");
            }
            assertEquals(20L, fixed.get(1L));

            variable.put(1L, "before");
            try (LockedEntry<Long, String> entry = variable.lock(1L))
            {
                assertThrows(IllegalStateException.class, () -> entry.putValueBytes(5, b ->
                {
                    b.putBytes(0, "xxxxx".getBytes(StandardCharsets.UTF_8));
                    throw new IllegalStateException("writer failed");
                }));
                assertEquals("before", entry.get());
            }
            assertEquals("before", variable.get(1L));
        }
    }

    @Test
    void aFlyweightUsedAfterItsEntryIsClosedThrowsInsteadOfTouchingFreedMemory()
    {
        try (LockMap<Long, String> map = LockMap.builder(Serializers.longs(), Serializers.strings()).build())
        {
            map.put(1L, "value");
            final DirectBuffer escaped;
            try (LockedEntry<Long, String> entry = map.lock(1L))
            {
                escaped = entry.valueBytes();
                assertEquals('v', escaped.getByte(0));
                entry.remove();
                assertThrows(IndexOutOfBoundsException.class, () -> escaped.getByte(0), "stale after a change");
                assertNull(entry.valueBytes());
            }
            assertThrows(IndexOutOfBoundsException.class, () -> escaped.getByte(0));
            assertFalse(map.containsKey(1L));
        }
    }

    @Test
    void oversizedValuesAreRejectedWithTheSizeAndTheLimit()
    {
        try (LockMap<Long, byte[]> map = LockMap.builder(Serializers.longs(), Serializers.byteArrays()).maxValueSize(16).build())
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> map.put(1L, new byte[17]));
            assertTrue(ex.getMessage().contains("17") && ex.getMessage().contains("16"), ex.getMessage());
            try (LockedEntry<Long, byte[]> entry = map.lock(1L))
            {
                assertThrows(IllegalArgumentException.class, () -> entry.putValueBytes(17, b -> { }));
            }
            assertTrue(map.isEmpty());
        }
    }
}
