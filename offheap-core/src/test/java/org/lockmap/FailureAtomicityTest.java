package org.lockmap;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.lockmap.serialization.SerializationException;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.SerializerFingerprint;
import org.lockmap.serialization.Serializers;
import org.lockmap.support.Probe;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exception thrown by a serializer or by user code leaves the map as it was before the operation and
 * leaves no key held; a value over the hard size limit is an {@link IllegalArgumentException} that names
 * the size and the limit.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailureAtomicityTest
{
    /** Fails writing {@link #POISON_WRITE}, fails reading {@link #POISON_READ}. */
    static final long POISON_WRITE = 666L;
    static final long POISON_READ = 777L;

    /** Longs, except that writing 666 or reading 777 throws. */
    static final class FailingLongs implements Serializer<Long>
    {
        private final Serializer<Long> longs = Serializers.longs();

        public SerializerFingerprint fingerprint()
        {
            return new SerializerFingerprint("test.failing-longs", 1, 8);
        }

        public int fixedSize()
        {
            return longs.fixedSize();
        }

        public int sizeOf(final Long value)
        {
            return longs.sizeOf(value);
        }

        public void write(final Long value, final MutableDirectBuffer buffer, final int offset)
        {
            if (value == POISON_WRITE)
            {
                // Scribble first, as a real half-finished serializer would.
                buffer.putLong(offset, -1L);
                throw new IllegalStateException("serializer failed writing " + value);
            }
            longs.write(value, buffer, offset);
        }

        public Long read(final DirectBuffer buffer, final int offset, final int length)
        {
            final Long value = longs.read(buffer, offset, length);
            if (value == POISON_READ)
            {
                throw new SerializationException("serializer failed reading " + value);
            }
            return value;
        }
    }

    private static LockMap<Long, Long> failingValues()
    {
        return LockMap.builder(Serializers.longs(), new FailingLongs()).build();
    }

    private static void assertThrowsSerializerFailure(final String what, final Executable call)
    {
        final Throwable thrown = assertThrows(Throwable.class, call, what + " should propagate the serializer's failure");
        assertTrue(thrown instanceof IllegalStateException || thrown instanceof SerializationException ||
            thrown.getCause() instanceof IllegalStateException, what + " threw " + thrown);
    }

    @Test
    void aValueSerializerFailingOnANewKeyLeavesTheKeyAbsentAndFree()
    {
        try (LockMap<Long, Long> map = failingValues())
        {
            assertThrowsSerializerFailure("put", () -> map.put(1L, POISON_WRITE));
            assertThrowsSerializerFailure("set", () -> map.set(2L, POISON_WRITE));
            assertThrowsSerializerFailure("putIfAbsent", () -> map.putIfAbsent(3L, POISON_WRITE));
            assertThrowsSerializerFailure("compute", () -> map.compute(4L, (k, v) -> POISON_WRITE));
            assertThrowsSerializerFailure("computeIfAbsent", () -> map.computeIfAbsent(5L, k -> POISON_WRITE));
            assertThrowsSerializerFailure("merge", () -> map.merge(6L, POISON_WRITE, Long::sum));
            assertThrowsSerializerFailure("putAll", () -> map.putAll(Map.of(7L, POISON_WRITE)));
            assertEquals(0, map.size());
            assertTrue(map.isEmpty());
            for (long k = 1; k <= 7; k++)
            {
                assertFalse(map.containsKey(k), "key " + k);
                assertTrue(Probe.isFree(map, k), "key " + k + " left held after a failed write");
            }
        }
    }

    @Test
    void aValueSerializerFailingOnOverwriteKeepsTheOldValue()
    {
        try (LockMap<Long, Long> map = failingValues())
        {
            map.put(1L, 10L);
            assertThrowsSerializerFailure("put", () -> map.put(1L, POISON_WRITE));
            assertThrowsSerializerFailure("set", () -> map.set(1L, POISON_WRITE));
            assertThrowsSerializerFailure("replace", () -> map.replace(1L, POISON_WRITE));
            assertThrowsSerializerFailure("replace(k, old, new)", () -> map.replace(1L, 10L, POISON_WRITE));
            assertThrowsSerializerFailure("compute", () -> map.compute(1L, (k, v) -> POISON_WRITE));
            assertThrowsSerializerFailure("computeIfPresent", () -> map.computeIfPresent(1L, (k, v) -> POISON_WRITE));
            assertThrowsSerializerFailure("merge", () -> map.merge(1L, 656L, Long::sum));
            assertEquals(Map.of(1L, 10L), map);
            assertTrue(Probe.isFree(map, 1L));
            assertEquals(10L, map.put(1L, 11L), "the map still works");
        }
    }

    @Test
    void aValueSerializerFailingInsideACriticalSectionKeepsTheHoldersPreviousValue()
    {
        try (LockMap<Long, Long> map = failingValues())
        {
            map.put(1L, 10L);
            try (LockedEntry<Long, Long> e = map.lock(1L))
            {
                e.put(20L);
                assertThrowsSerializerFailure("entry.put", () -> e.put(POISON_WRITE));
                assertEquals(20L, e.get(), "the holder's last good value");
                assertThrowsSerializerFailure("entry.getOrPut", () ->
                {
                    e.remove();
                    e.getOrPut(() -> POISON_WRITE);
                });
                assertFalse(e.isPresent(), "getOrPut's failed insert left no value");
                e.put(30L);
            }
            assertEquals(30L, map.get(1L));
        }
    }

    @Test
    void aValueSerializerFailingToReadLeavesNoKeyHeld()
    {
        try (LockMap<Long, Long> map = failingValues())
        {
            map.put(1L, POISON_READ);
            assertThrows(SerializationException.class, () -> map.get(1L));
            assertThrows(SerializationException.class, () -> map.compute(1L, (k, v) -> 1L));
            assertTrue(Probe.isFree(map, 1L), "a failed read left the key held");
            assertThrows(SerializationException.class, () -> map.get(1L), "a failed compute changed the value");
            assertDoesNotThrow(() -> map.set(1L, 2L));
            assertEquals(2L, map.get(1L));
            try (LockedEntry<Long, Long> e = map.lock(1L))
            {
                e.put(POISON_READ);
                assertThrows(SerializationException.class, e::get);
            }
            assertTrue(Probe.isFree(map, 1L));
        }
    }

    /**
     * A write whose return value needs the previous value decoded: if that decode fails, the call throws,
     * and then it must not have changed the map (or, equally acceptable, it must not throw).
     */
    @Test
    void aWriteWhosePreviousValueFailsToDecodeEitherSucceedsOrChangesNothing()
    {
        final List<String> violations = new java.util.ArrayList<>();
        final Map<String, java.util.function.BiConsumer<LockMap<Long, Long>, Long>> writes = new java.util.LinkedHashMap<>();
        writes.put("put", (m, k) -> m.put(k, 5L));
        writes.put("remove", (m, k) -> m.remove(k));
        writes.put("replace", (m, k) -> m.replace(k, 5L));
        writes.put("compute", (m, k) -> m.compute(k, (kk, v) -> 5L));
        writes.put("merge", (m, k) -> m.merge(k, 5L, (a, b) -> b));
        for (final Map.Entry<String, java.util.function.BiConsumer<LockMap<Long, Long>, Long>> write : writes.entrySet())
        {
            try (LockMap<Long, Long> map = failingValues())
            {
                map.put(1L, POISON_READ);
                try
                {
                    write.getValue().accept(map, 1L);
                }
                catch (final SerializationException thrown)
                {
                    // Threw: the map must be as it was. Inspect the stored bytes through an entry's flyweight.
                    try (LockedEntry<Long, Long> e = map.lock(1L))
                    {
                        final org.agrona.DirectBuffer bytes = e.valueBytes();
                        final Long stored = bytes == null ? null : bytes.getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN);
                        if (stored == null || stored != POISON_READ)
                        {
                            violations.add(write.getKey() + " threw " + thrown.getMessage() + " but changed the value to " + stored);
                        }
                    }
                }
                assertTrue(Probe.isFree(map, 1L));
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void aKeySerializerFailingLeavesNothingBehind()
    {
        try (LockMap<Long, Long> map = LockMap.builder(new FailingLongs(), Serializers.longs()).build())
        {
            assertThrowsSerializerFailure("put", () -> map.put(POISON_WRITE, 1L));
            assertThrowsSerializerFailure("lock", () -> map.lock(POISON_WRITE));
            assertThrowsSerializerFailure("lockAll", () -> map.lockAll(List.of(1L, POISON_WRITE, 2L)));
            assertThrowsSerializerFailure("tryLock", () -> map.tryLock(POISON_WRITE));
            assertEquals(0, map.size());
            assertTrue(Probe.isFree(map, 1L), "key 1 left held by a lockAll whose other key failed to serialize");
            assertTrue(Probe.isFree(map, 2L));
            map.put(1L, 1L);
            assertEquals(Map.of(1L, 1L), map);
        }
    }

    @Test
    void userFunctionsThatThrowLeaveTheOldValueAndNoKeyHeld()
    {
        try (LockMap<Long, Long> map = failingValues())
        {
            map.put(1L, 10L);
            final RuntimeException boom = new RuntimeException("boom");
            assertEquals(boom, assertThrows(RuntimeException.class, () -> map.compute(1L, (k, v) -> { throw boom; })));
            assertEquals(boom, assertThrows(RuntimeException.class, () -> map.computeIfPresent(1L, (k, v) -> { throw boom; })));
            assertEquals(boom, assertThrows(RuntimeException.class, () -> map.merge(1L, 1L, (a, b) -> { throw boom; })));
            assertEquals(boom, assertThrows(RuntimeException.class, () -> map.computeIfAbsent(2L, k -> { throw boom; })));
            assertEquals(boom, assertThrows(RuntimeException.class, () -> map.compute(3L, (k, v) -> { throw boom; })));
            assertEquals(Map.of(1L, 10L), map);
            for (long k = 1; k <= 3; k++)
            {
                assertTrue(Probe.isFree(map, k), "key " + k + " left held after a function threw");
            }
            try (LockedEntry<Long, Long> e = map.lock(2L))
            {
                assertThrows(RuntimeException.class, () -> e.getOrPut(() -> { throw boom; }));
                assertFalse(e.isPresent());
            }
            assertFalse(map.containsKey(2L));
        }
    }

    @Test
    void aValueOverTheHardLimitIsRejectedWithAMessageNamingSizeAndLimit()
    {
        try (LockMap<Long, byte[]> map = LockMap.builder(Serializers.longs(), Serializers.byteArrays())
            .maxValueSize(16)
            .build())
        {
            map.put(1L, new byte[16]);
            final IllegalArgumentException put = assertThrows(IllegalArgumentException.class, () -> map.put(1L, new byte[17]));
            assertTrue(put.getMessage().contains("17") && put.getMessage().contains("16"),
                "message should name the size 17 and the limit 16: " + put.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.put(2L, new byte[17]));
            assertThrows(IllegalArgumentException.class, () -> map.set(2L, new byte[1000]));
            assertThrows(IllegalArgumentException.class, () -> map.compute(2L, (k, v) -> new byte[17]));
            try (LockedEntry<Long, byte[]> e = map.lock(1L))
            {
                final IllegalArgumentException viaEntry = assertThrows(IllegalArgumentException.class, () -> e.put(new byte[17]));
                assertTrue(viaEntry.getMessage().contains("17") && viaEntry.getMessage().contains("16"), viaEntry.getMessage());
                assertThrows(IllegalArgumentException.class, () -> e.putValueBytes(17, b -> { }));
                assertArrayEquals(new byte[16], e.get());
            }
            assertEquals(1, map.size());
            assertFalse(map.containsKey(2L));
            assertArrayEquals(new byte[16], map.get(1L));
        }
    }

    @Test
    void aKeyOverTheHardLimitIsRejectedWithAMessageNamingSizeAndLimit()
    {
        try (LockMap<byte[], Long> map = LockMap.builder(Serializers.byteArrays(), Serializers.longs())
            .maxKeySize(32)
            .build())
        {
            map.put(new byte[32], 1L);
            final IllegalArgumentException put = assertThrows(IllegalArgumentException.class, () -> map.put(new byte[33], 1L));
            assertTrue(put.getMessage().contains("33") && put.getMessage().contains("32"),
                "message should name the size 33 and the limit 32: " + put.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.lock(new byte[33]));
            assertNull(map.get(new byte[33]), "a key over the limit cannot be in the map: a read finds nothing");
            assertEquals(1, map.size());
        }
    }

    /**
     * Found by review: a key serializer whose {@code sizeOf} disagrees with its declared fixed size made an
     * entry of one size class that was freed into another, so the next entry overran its block. Now every
     * key is checked, as values were: a clear exception, and the map as it was.
     */
    @Test
    void aKeySerializerThatBreaksItsFixedSizeIsRejected()
    {
        final Serializer<Long> lying = new Serializer<>()
        {
            public SerializerFingerprint fingerprint()
            {
                return new SerializerFingerprint("test.lying-longs", 1, 16);
            }

            public int fixedSize()
            {
                return 16;
            }

            public int sizeOf(final Long value)
            {
                return value < 0 ? 8 : 16;
            }

            public void write(final Long value, final MutableDirectBuffer buffer, final int offset)
            {
                buffer.putLong(offset, value);
                if (value >= 0)
                {
                    buffer.putLong(offset + 8, value);
                }
            }

            public Long read(final DirectBuffer buffer, final int offset, final int length)
            {
                return buffer.getLong(offset);
            }
        };
        try (LockMap<Long, Long> map = LockMap.builder(lying, Serializers.longs()).expectedEntries(16).shards(1).build())
        {
            map.put(1L, 10L);
            final IllegalStateException put = assertThrows(IllegalStateException.class, () -> map.put(-1L, 20L));
            assertTrue(put.getMessage().contains("fixed size of 16") && put.getMessage().contains("8"), put.getMessage());
            assertThrows(IllegalStateException.class, () -> map.lock(-2L));
            assertThrows(IllegalStateException.class, () -> map.get(-3L));
            assertEquals(Map.of(1L, 10L), Map.copyOf(map));
        }
    }
}
