package org.lockmap;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.SerializerFingerprint;
import org.lockmap.serialization.Serializers;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User code that runs on an entry's native memory (a {@code putValueBytes} writer, a value deserializer
 * reading in place) cannot close or change that entry: the close could unmap the memory under the user
 * code's buffer (the map closed meanwhile, and this hold was its last pin), which crashed the JVM, or
 * hand the key to another thread while the writer still writes. Found by a review.
 */
class UserCodeCloseTest
{
    @Test
    void aWriterCannotCloseItsEntryEvenAfterTheMapClosed()
    {
        final LockMap<Long, UUID> map = LockMap.builder(Serializers.longs(), Serializers.uuids()).shards(1).build();
        final LockedEntry<Long, UUID> entry = map.lock(1L);
        entry.putValueBytes(16, buffer ->
        {
            map.close();
            final IllegalStateException ex = assertThrows(IllegalStateException.class, entry::close);
            assertTrue(ex.getMessage().contains("writer"), ex.getMessage());
            assertTrue(map.nativeMemoryBytes() > 0, "the hold still pins the shard's memory");
            // Before the fix this store went to unmapped memory: SIGSEGV.
            buffer.putLong(0, 42L);
            buffer.putLong(8, 43L);
        });
        entry.close();
        assertEquals(0, map.nativeMemoryBytes(), "freed when the hold ends");
    }

    @Test
    void aWriterCannotCloseOrChangeItsEntryAndTheEntryStaysUsable()
    {
        try (LockMap<Long, String> map = LockMap.builder(Serializers.longs(), Serializers.strings()).build())
        {
            try (LockedEntry<Long, String> entry = map.lock(1L))
            {
                entry.putValueBytes(2, buffer ->
                {
                    assertThrows(IllegalStateException.class, entry::close);
                    assertThrows(IllegalStateException.class, () -> entry.put("x"));
                    assertThrows(IllegalStateException.class, entry::remove);
                    buffer.putByte(0, (byte)'o');
                    buffer.putByte(1, (byte)'k');
                });
                assertEquals("ok", entry.get());
            }
            assertEquals("ok", map.get(1L));
        }
    }

    @Test
    void aDeserializerReadingInPlaceCannotCloseItsEntry()
    {
        final AtomicReference<Runnable> onRead = new AtomicReference<>();
        try (LockMap<Long, String> map = LockMap.builder(Serializers.longs(), new CallbackStrings(onRead)).build())
        {
            map.put(1L, "value");
            try (LockedEntry<Long, String> entry = map.lock(1L))
            {
                onRead.set(() -> assertThrows(IllegalStateException.class, entry::close));
                assertEquals("value", entry.get());
                onRead.set(null);
            }
            assertEquals("value", map.get(1L));
            assertTrue(map.tryLock(1L) != null, "the key was released once, at the try's end");
        }
    }

    /** Strings that run a callback in {@code read}. */
    private record CallbackStrings(AtomicReference<Runnable> onRead) implements Serializer<String>
    {
        public SerializerFingerprint fingerprint()
        {
            return Serializers.strings().fingerprint();
        }

        public int fixedSize()
        {
            return -1;
        }

        public int sizeOf(final String value)
        {
            return Serializers.strings().sizeOf(value);
        }

        public void write(final String value, final MutableDirectBuffer buffer, final int offset)
        {
            Serializers.strings().write(value, buffer, offset);
        }

        public String read(final DirectBuffer buffer, final int offset, final int length)
        {
            final Runnable callback = onRead.get();
            if (callback != null)
            {
                callback.run();
            }
            return Serializers.strings().read(buffer, offset, length);
        }
    }
}
