package org.lockmap;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lockmap.support.Maps;
import org.lockmap.support.Probe;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a holder sees and does through a {@link LockedEntry} and a {@link BatchLock}, one thread at a time
 * (the readers of other threads live in {@link HolderVisibilityTest}).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockedEntryTest
{
    private LockMap<Long, Long> map;

    @BeforeEach
    void build()
    {
        map = Maps.longs();
    }

    @AfterEach
    void close()
    {
        map.close();
    }

    @Test
    void anAbsentKeyCanBeLockedAndSeesNoValue()
    {
        try (LockedEntry<Long, Long> e = map.lock(1L))
        {
            assertEquals(1L, e.key());
            assertNull(e.get());
            assertFalse(e.isPresent());
            assertNull(e.valueBytes());
        }
        assertFalse(map.containsKey(1L));
    }

    @Test
    void putAndRemoveReturnThePreviousValueAsTheHolderSawIt()
    {
        map.put(1L, 10L);
        try (LockedEntry<Long, Long> e = map.lock(1L))
        {
            assertTrue(e.isPresent());
            assertEquals(10L, e.get());
            assertEquals(10L, e.put(11L));
            assertEquals(11L, e.get(), "the holder sees its change at once");
            assertEquals(11L, e.put(12L));
            assertEquals(12L, e.remove());
            assertFalse(e.isPresent());
            assertNull(e.get());
            assertNull(e.remove(), "removing an absent value returns null");
            assertNull(e.put(13L));
        }
        assertEquals(13L, map.get(1L));
    }

    @Test
    void closePublishesTheLastChangeAndIsIdempotent()
    {
        final LockedEntry<Long, Long> e = map.lock(5L);
        e.put(50L);
        e.close();
        assertEquals(50L, map.get(5L));
        assertDoesNotThrow(e::close, "second close");
        assertTrue(Probe.isFree(map, 5L), "a closed entry holds nothing");
        assertEquals(50L, map.get(5L));
        // A stale second close must not release, or commit into, a later hold of the same key.
        try (LockedEntry<Long, Long> again = map.lock(5L))
        {
            again.put(51L);
            e.close();
            assertFalse(Probe.isFree(map, 5L), "the old entry's close released the new hold");
            assertEquals(50L, Probe.getFromAnotherThread(map, 5L), "the new hold's change is not published yet");
        }
        assertEquals(51L, map.get(5L));
    }

    @Test
    void aClosedEntryRejectsEveryMethodButClose()
    {
        final LockedEntry<Long, Long> e = map.lock(5L);
        e.put(1L);
        e.close();
        assertThrows(IllegalStateException.class, e::get);
        assertThrows(IllegalStateException.class, e::isPresent);
        assertThrows(IllegalStateException.class, () -> e.put(2L));
        assertThrows(IllegalStateException.class, e::remove);
        assertThrows(IllegalStateException.class, () -> e.getOrPut(() -> 3L));
        assertThrows(IllegalStateException.class, e::valueBytes);
        assertThrows(IllegalStateException.class, () -> e.putValueBytes(8, b -> b.putLong(0, 4L)));
        assertEquals(1L, map.get(5L), "rejected calls after close changed nothing");
    }

    @Test
    void removeThroughTheEntryDeletesTheKeyOnClose()
    {
        map.put(3L, 30L);
        try (LockedEntry<Long, Long> e = map.lock(3L))
        {
            assertEquals(30L, e.remove());
        }
        assertFalse(map.containsKey(3L));
        assertEquals(0, map.size());
        assertNull(map.get(3L));
    }

    @Test
    void getOrPutCallsTheSupplierOnlyWhenAbsent()
    {
        final AtomicInteger calls = new AtomicInteger();
        try (LockedEntry<Long, Long> e = map.lock(9L))
        {
            assertEquals(90L, e.getOrPut(() -> 90L + calls.getAndIncrement()));
            assertEquals(90L, e.getOrPut(() -> 1000L + calls.getAndIncrement()));
            assertEquals(90L, e.get());
        }
        assertEquals(1, calls.get());
        assertEquals(90L, map.get(9L));
        try (LockedEntry<Long, Long> e = map.lock(9L))
        {
            assertEquals(90L, e.getOrPut(() -> 1000L + calls.getAndIncrement()));
        }
        assertEquals(1, calls.get());
    }

    @Test
    void noPoisoningAnExceptionInTheCriticalSectionKeepsTheLastValuePutAndReleases()
    {
        map.put(4L, 1L);
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () ->
        {
            try (LockedEntry<Long, Long> e = map.lock(4L))
            {
                e.put(2L);
                throw new IllegalArgumentException("user code failed");
            }
        });
        assertEquals("user code failed", thrown.getMessage());
        assertEquals(2L, map.get(4L), "close publishes the last value put even after an exception");
        assertTrue(Probe.isFree(map, 4L));
        try (LockedEntry<Long, Long> e = map.tryLock(4L))
        {
            assertNotNull(e, "the same thread can take the key again");
            assertEquals(2L, e.get());
        }
    }

    @Test
    void valueBytesExposesTheStoredBytesAndPutValueBytesWritesThem()
    {
        map.put(8L, 0x0102030405060708L);
        try (LockedEntry<Long, Long> e = map.lock(8L))
        {
            final DirectBuffer bytes = e.valueBytes();
            assertNotNull(bytes);
            assertEquals(0x0102030405060708L, bytes.getLong(0, ByteOrder.LITTLE_ENDIAN), "longs() is little-endian");
            e.putValueBytes(8, b -> b.putLong(0, 77L, ByteOrder.LITTLE_ENDIAN));
            assertEquals(77L, e.get());
        }
        assertEquals(77L, map.get(8L));
    }

    @Test
    void aWriterThatThrowsInPutValueBytesLeavesThePreviousValue()
    {
        map.put(8L, 5L);
        try (LockedEntry<Long, Long> e = map.lock(8L))
        {
            assertThrows(IllegalStateException.class, () -> e.putValueBytes(8, b ->
            {
                b.putLong(0, 666L, ByteOrder.LITTLE_ENDIAN);
                throw new IllegalStateException("writer failed");
            }));
            assertEquals(5L, e.get());
        }
        assertEquals(5L, map.get(8L));
    }

    @Test
    void batchCollapsesDuplicatesVisitsEachKeyOnceAndRejectsForeignKeys()
    {
        map.put(2L, 20L);
        try (BatchLock<Long, Long> batch = map.lockAll(List.of(3L, 1L, 2L, 3L, 1L)))
        {
            assertEquals(3, batch.size());
            final List<Long> visited = new ArrayList<>();
            for (final LockedEntry<Long, Long> e : batch)
            {
                visited.add(e.key());
            }
            assertEquals(Set.of(1L, 2L, 3L), new HashSet<>(visited));
            assertEquals(3, visited.size(), "each distinct key once");
            assertEquals(20L, batch.get(2L).get());
            assertNull(batch.get(1L).get());
            batch.get(1L).put(10L);
            batch.get(3L).put(30L);
            batch.get(2L).remove();
            assertThrows(IllegalArgumentException.class, () -> batch.get(99L));
            for (final long k : new long[] {1, 2, 3})
            {
                assertFalse(Probe.isFree(map, k), "key " + k + " is held by the batch");
            }
        }
        assertEquals(Map.of(1L, 10L, 3L, 30L), map);
        for (final long k : new long[] {1, 2, 3})
        {
            assertTrue(Probe.isFree(map, k), "key " + k + " is released by the batch's close");
        }
    }

    @Test
    void batchCloseIsIdempotent()
    {
        final BatchLock<Long, Long> batch = map.lockAll(List.of(1L, 2L));
        batch.get(1L).put(1L);
        batch.close();
        assertDoesNotThrow(batch::close);
        assertEquals(Map.of(1L, 1L), map);
        assertTrue(Probe.isFree(map, 1L));
        assertTrue(Probe.isFree(map, 2L));
        try (BatchLock<Long, Long> again = map.lockAll(List.of(2L, 1L)))
        {
            again.get(2L).put(2L);
            batch.close();
            assertFalse(Probe.isFree(map, 1L), "the old batch's close released the new one's key");
            assertFalse(Probe.isFree(map, 2L), "the old batch's close released the new one's key");
        }
        assertEquals(Map.of(1L, 1L, 2L, 2L), map);
    }
}
