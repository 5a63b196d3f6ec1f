package org.lockmap.serialization;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Chronicle Bytes adapter: the bytes are Chronicle's own, reads fill the caller's object, and the
 * bytes cached by sizeOf are only ever used for the object they were made from.
 */
class MarshallableSerializerTest
{
    /**
     * Overrides both methods: the usual way to write a fast marshallable.
     */
    static final class Quote implements BytesMarshallable
    {
        long id;
        double price;
        String venue;

        Quote set(final long id, final double price, final String venue)
        {
            this.id = id;
            this.price = price;
            this.venue = venue;
            return this;
        }

        @Override
        public void writeMarshallable(final BytesOut<?> out)
        {
            out.writeLong(id);
            out.writeDouble(price);
            out.writeUtf8(venue);
        }

        @Override
        public void readMarshallable(final BytesIn<?> in)
        {
            id = in.readLong();
            price = in.readDouble();
            venue = in.readUtf8();
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Quote q && q.id == id && Double.compare(q.price, price) == 0 &&
                java.util.Objects.equals(q.venue, venue);
        }

        @Override
        public int hashCode()
        {
            return Long.hashCode(id);
        }

        @Override
        public String toString()
        {
            return "Quote(" + id + ", " + price + ", " + venue + ")";
        }
    }

    /**
     * Relies on Chronicle's reflective default, which reads private fields.
     */
    static final class Position implements BytesMarshallable
    {
        private long account;
        private int quantity;
        private String symbol;
    }

    private final Serializer<Quote> serializer = Serializers.marshallable(Quote::new);

    @Test
    void theStoredBytesAreWhatChronicleWrites()
    {
        final Quote quote = new Quote().set(7, 101.25, "XLON \u00E9");
        final Bytes<byte[]> chronicle = Bytes.allocateElasticOnHeap(64);
        quote.writeMarshallable(chronicle);
        final byte[] expected = java.util.Arrays.copyOf(chronicle.underlyingObject(), (int)chronicle.writePosition());

        assertArrayEquals(expected, Buffers.bytesOf(serializer, quote));
        assertEquals(quote, Buffers.roundTrip(serializer, quote));
    }

    @Test
    void readsFillTheGivenObjectOnHeapAndOffHeap()
    {
        assertTrue(serializer.supportsReuse());
        final byte[] bytes = Buffers.bytesOf(serializer, new Quote().set(1, 2.5, "A"));
        for (final Buffers.Kind kind : Buffers.Kind.values())
        {
            final Quote reuse = new Quote().set(9, 9, "stale");
            assertSame(reuse, Buffers.read(serializer, bytes, kind, reuse));
            assertEquals(new Quote().set(1, 2.5, "A"), reuse);
            final Quote fresh = Buffers.read(serializer, bytes, kind);
            assertNotSame(reuse, fresh);
            assertEquals(reuse, fresh);
        }
    }

    @Test
    void writeUsesTheSizedBytesOnlyForTheSameObject()
    {
        final Quote a = new Quote().set(1, 1.0, "same-size");
        final Quote b = new Quote().set(2, 2.0, "SAME-SIZE");
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 128);

        final int size = serializer.sizeOf(a);
        serializer.write(b, buffer, 0); // not the object just sized: must serialize b
        assertEquals(b, serializer.read(buffer, 0, size));

        serializer.sizeOf(a);
        serializer.write(a, buffer, 0);
        assertEquals(a, serializer.read(buffer, 0, size));
        serializer.write(a, buffer, 0); // the cache is spent: serializes again, same bytes
        assertEquals(a, serializer.read(buffer, 0, size));

        serializer.sizeOf(a);
        Serializers.marshallable(Quote::new).sizeOf(b); // another adapter on the same thread
        serializer.write(a, buffer, 0);
        assertEquals(a, serializer.read(buffer, 0, size));
    }

    @Test
    void bytesThatDoNotDecodeAreReported()
    {
        final byte[] bytes = Buffers.bytesOf(serializer, new Quote().set(1, 2.5, "ABC"));
        for (final Buffers.Kind kind : Buffers.Kind.values())
        {
            final byte[] truncated = java.util.Arrays.copyOf(bytes, 12);
            final SerializationException ex =
                assertThrows(SerializationException.class, () -> Buffers.read(serializer, truncated, kind));
            BadInputTest.assertNames(serializer, ex);

            final byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 3);
            final SerializationException left =
                assertThrows(SerializationException.class, () -> Buffers.read(serializer, trailing, kind));
            assertTrue(left.getMessage().contains("left 3 of the stored"), left.getMessage());
        }
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 8);
        BadInputTest.assertNames(serializer,
            assertThrows(SerializationException.class, () -> serializer.read(buffer, 4, 8)));
    }

    @Test
    void arbitraryBytesDecodeOrFailCleanly()
    {
        final java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2_000; i++)
        {
            final byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            for (final Buffers.Kind kind : Buffers.Kind.values())
            {
                try
                {
                    Buffers.read(serializer, bytes, kind);
                }
                catch (final SerializationException ex)
                {
                    BadInputTest.assertNames(serializer, ex);
                }
            }
        }
    }

    @Test
    void chronicleReflectiveDefaultMarshalling()
    {
        final Serializer<Position> positions = Serializers.marshallable(Position::new);
        final Position position = new Position();
        position.account = 12;
        position.quantity = -3;
        position.symbol = "VOD.L";
        final Position read = Buffers.roundTrip(positions, position);
        assertEquals(12, read.account);
        assertEquals(-3, read.quantity);
        assertEquals("VOD.L", read.symbol);
    }

    static final class Exploding implements BytesMarshallable
    {
        @Override
        public void writeMarshallable(final BytesOut<?> out)
        {
            out.writeLong(1);
            throw new IllegalStateException("boom");
        }

        @Override
        public void readMarshallable(final BytesIn<?> in)
        {
            throw new IllegalStateException("bang");
        }
    }

    @Test
    void failuresInsideChronicleCodeAreReportedAndLeaveNoStaleState()
    {
        final Serializer<Exploding> exploding = Serializers.marshallable(Exploding::new);
        final Exploding value = new Exploding();
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 64);
        final SerializationException size = assertThrows(SerializationException.class, () -> exploding.sizeOf(value));
        assertTrue(size.getMessage().contains("boom"), size.getMessage());
        BadInputTest.assertNames(exploding, size);
        assertThrows(SerializationException.class, () -> exploding.write(value, buffer, 0));
        final SerializationException read =
            assertThrows(SerializationException.class, () -> exploding.read(buffer, 0, 8));
        assertTrue(read.getMessage().contains("bang"), read.getMessage());

        // The thread's scratch still works for others afterwards.
        final Quote quote = new Quote().set(3, 4, "ok");
        assertEquals(quote, Buffers.roundTrip(serializer, quote));
    }

    static final class Nothing implements BytesMarshallable
    {
        @Override
        public void writeMarshallable(final BytesOut<?> out)
        {
        }

        @Override
        public void readMarshallable(final BytesIn<?> in)
        {
        }
    }

    @Test
    void aMarshallableThatWritesNothing()
    {
        final Serializer<Nothing> nothing = Serializers.marshallable(Nothing::new);
        assertEquals(0, nothing.sizeOf(new Nothing()));
        for (final Buffers.Kind kind : Buffers.Kind.values())
        {
            final Nothing reuse = new Nothing();
            assertSame(reuse, Buffers.read(nothing, new byte[0], kind, reuse));
            final SerializationException ex =
                assertThrows(SerializationException.class, () -> Buffers.read(nothing, new byte[]{ 1 }, kind));
            assertTrue(ex.getMessage().contains("left 1 of the stored 1 bytes unread"), ex.getMessage());
        }
        Buffers.roundTrip(nothing, new Nothing());
    }

    @Test
    void aMissingAddOpensIsExplained()
    {
        final Throwable chronicleFailure = new AssertionError(new IllegalAccessException("private field"));
        assertTrue(MarshallableSerializer.hint(chronicleFailure).contains("--add-opens java.base/java.lang.reflect"));
        assertEquals("", MarshallableSerializer.hint(new IllegalStateException("other")));
    }

    @Test
    void theFingerprintNamesTheClassAndVersion()
    {
        assertEquals("lockmap.marshallable:" + Quote.class.getName(), serializer.fingerprint().name());
        assertEquals(1, serializer.fingerprint().formatVersion());
        assertEquals(3, Serializers.marshallable(Quote::new, 3).fingerprint().formatVersion());
        assertEquals(Serializer.VARIABLE_SIZE, serializer.fixedSize());
    }

    @Test
    void readsAfterWarmUpDoNotAllocate()
    {
        final byte[] bytes = Buffers.bytesOf(serializer, new Quote().set(1, 2.5, "ABC"));
        final MutableDirectBuffer offHeap = Buffers.allocate(Buffers.Kind.OFF_HEAP, bytes.length);
        offHeap.putBytes(0, bytes);
        final MutableDirectBuffer heap = Buffers.allocate(Buffers.Kind.HEAP, bytes.length);
        heap.putBytes(0, bytes);
        final Quote reuse = new Quote();
        final Quote sized = new Quote().set(5, 6, "DEF");
        final MutableDirectBuffer target = Buffers.allocate(Buffers.Kind.OFF_HEAP, 64);

        // readUtf8 makes a new String per read: that is Quote's own garbage, so count it out with a
        // marshallable that keeps only primitives.
        final Serializer<Tick> ticks = Serializers.marshallable(Tick::new);
        final Tick tick = new Tick();
        tick.value = 77;
        final MutableDirectBuffer tickBuffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 8);
        ticks.write(tick, tickBuffer, 0);
        final Tick tickReuse = new Tick();

        final long reads = Allocations.measure(10_000, () -> ticks.read(tickBuffer, 0, 8, tickReuse));
        final long writes = Allocations.measure(10_000, () ->
        {
            ticks.sizeOf(tick);
            ticks.write(tick, tickBuffer, 0);
        });
        assertEquals(77, tickReuse.value);
        assertTrue(reads < 10_000, "reads allocated " + reads + " bytes");
        assertTrue(writes < 10_000, "writes allocated " + writes + " bytes");
        assertEquals(new Quote().set(1, 2.5, "ABC"), serializer.read(offHeap, 0, bytes.length, reuse));
        assertEquals(reuse, serializer.read(heap, 0, bytes.length, new Quote()));
        serializer.write(sized, target, 0);
    }

    static final class Tick implements BytesMarshallable
    {
        long value;

        @Override
        public void writeMarshallable(final BytesOut<?> out)
        {
            out.writeLong(value);
        }

        @Override
        public void readMarshallable(final BytesIn<?> in)
        {
            value = in.readLong();
        }
    }

    @Test
    void threadsDoNotShareScratchState() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final int thread = t;
                results.add(pool.submit(() ->
                {
                    final MutableDirectBuffer offHeap = Buffers.allocate(Buffers.Kind.OFF_HEAP, 128);
                    final MutableDirectBuffer heap = Buffers.allocate(Buffers.Kind.HEAP, 128);
                    final Quote reuse = new Quote();
                    for (int i = 0; i < 20_000; i++)
                    {
                        final Quote quote = new Quote().set(thread * 1_000_000L + i, i, "T" + thread + "-" + i);
                        final MutableDirectBuffer buffer = (i & 1) == 0 ? offHeap : heap;
                        final int size = serializer.sizeOf(quote);
                        serializer.write(quote, buffer, 3);
                        assertEquals(quote, serializer.read(buffer, 3, size, reuse));
                    }
                    return null;
                }));
            }
            for (final Future<?> result : results)
            {
                result.get();
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
