package org.lockmap.serialization;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.lockmap.serialization.TestTypes.Colour;

import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stored bytes that do not decode are a {@link SerializationException} whose message names the serializer,
 * never an {@link IndexOutOfBoundsException} or a crash.
 */
class BadInputTest
{
    static final List<Serializer<?>> FIXED = List.of(
        Serializers.longs(), Serializers.ints(), Serializers.shorts(), Serializers.bytes(), Serializers.chars(),
        Serializers.booleans(), Serializers.doubles(), Serializers.floats(), Serializers.uuids(),
        Serializers.instants(), Serializers.enums(Colour.class), Serializers.records(TestTypes.Point.class));

    @Test
    void fixedSizeSerializersRejectAnyOtherLength()
    {
        for (final Serializer<?> serializer : FIXED)
        {
            final int size = serializer.fixedSize();
            for (final int length : new int[]{ 0, size - 1, size + 1 })
            {
                if (length >= 0)
                {
                    final byte[] bytes = new byte[length];
                    final SerializationException ex = assertThrows(SerializationException.class,
                        () -> Buffers.read(serializer, bytes, Buffers.Kind.OFF_HEAP), serializer + " length " + length);
                    assertNames(serializer, ex);
                    assertTrue(ex.getMessage().contains("expected " + size + " bytes"), ex.getMessage());
                }
            }
        }
    }

    @Test
    void aRangeOutsideTheBufferIsReportedNotIndexedOutOfBounds()
    {
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 16);
        for (final Serializer<?> serializer : FIXED)
        {
            final int size = serializer.fixedSize();
            assertNames(serializer, assertThrows(SerializationException.class, () -> serializer.read(buffer, 16 - size + 1, size)));
            assertNames(serializer, assertThrows(SerializationException.class, () -> serializer.read(buffer, -1, size)));
        }
        for (final Serializer<?> serializer : List.of(
            Serializers.strings(), Serializers.byteArrays(), Serializers.byteBuffers(), Serializers.records(TestTypes.Trade.class)))
        {
            assertNames(serializer, assertThrows(SerializationException.class, () -> serializer.read(buffer, 10, 7)));
            assertNames(serializer, assertThrows(SerializationException.class, () -> serializer.read(buffer, 0, -1)));
            assertNames(serializer, assertThrows(SerializationException.class,
                () -> serializer.read(buffer, Integer.MAX_VALUE, Integer.MAX_VALUE)));
        }
    }

    @Test
    void invalidUtf8IsRejected()
    {
        final int[][] invalid = {
            { 0x80 },                         // continuation without a start
            { 0xBF, 0x41 },
            { 0xC0, 0x80 },                   // overlong NUL
            { 0xC1, 0xBF },                   // overlong
            { 0xE0, 0x80, 0x80 },             // overlong
            { 0xE0, 0x9F, 0xBF },             // overlong
            { 0xED, 0xA0, 0x80 },             // encoded surrogate U+D800
            { 0xED, 0xBF, 0xBF },             // encoded surrogate U+DFFF
            { 0xF0, 0x8F, 0xBF, 0xBF },       // overlong
            { 0xF4, 0x90, 0x80, 0x80 },       // U+110000
            { 0xF5, 0x80, 0x80, 0x80 },
            { 0xFF },
            { 0xFE },
            { 0xC3 },                         // truncated
            { 0xE2, 0x82 },                   // truncated
            { 0xF0, 0x9F, 0x98 },             // truncated
            { 0x61, 0x62, 0xC3 },             // truncated after ASCII
            { 0xE2, 0x28, 0xA1 },             // bad continuation
            { 0xC3, 0x28 },
            { 0xF0, 0x9F, 0x28, 0x80 },
        };
        for (final int[] codes : invalid)
        {
            final byte[] bytes = new byte[codes.length];
            for (int i = 0; i < codes.length; i++)
            {
                bytes[i] = (byte)codes[i];
            }
            for (final Buffers.Kind kind : Buffers.Kind.values())
            {
                final SerializationException ex = assertThrows(SerializationException.class,
                    () -> Buffers.read(Serializers.strings(), bytes, kind), java.util.Arrays.toString(codes));
                assertNames(Serializers.strings(), ex);
                assertTrue(ex.getMessage().contains("not valid UTF-8"), ex.getMessage());
            }
        }
    }

    @Test
    void unknownEnumOrdinal()
    {
        final SerializationException ex = assertThrows(SerializationException.class,
            () -> Buffers.read(Serializers.enums(Colour.class), new byte[]{ 3 }, Buffers.Kind.OFF_HEAP));
        assertNames(Serializers.enums(Colour.class), ex);
        assertTrue(ex.getMessage().contains("unknown ordinal 3"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Colour.class.getName()), ex.getMessage());

        final SerializationException high = assertThrows(SerializationException.class,
            () -> Buffers.read(Serializers.enums(Colour.class), new byte[]{ (byte)0xFF }, Buffers.Kind.HEAP));
        assertTrue(high.getMessage().contains("unknown ordinal 255"), high.getMessage());

        assertThrows(SerializationException.class,
            () -> Buffers.read(Serializers.enums(TestTypes.Empty.class), new byte[]{ 0 }, Buffers.Kind.HEAP));
    }

    @Test
    void invalidBoolean()
    {
        final SerializationException ex = assertThrows(SerializationException.class,
            () -> Buffers.read(Serializers.booleans(), new byte[]{ 2 }, Buffers.Kind.OFF_HEAP));
        assertNames(Serializers.booleans(), ex);
    }

    @Test
    void instantsOutOfRange()
    {
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.HEAP, 12);
        buffer.putLong(0, 0, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(8, 1_000_000_000, ByteOrder.LITTLE_ENDIAN);
        assertNames(Serializers.instants(),
            assertThrows(SerializationException.class, () -> Serializers.instants().read(buffer, 0, 12)));
        buffer.putInt(8, -1, ByteOrder.LITTLE_ENDIAN);
        assertNames(Serializers.instants(),
            assertThrows(SerializationException.class, () -> Serializers.instants().read(buffer, 0, 12)));
        buffer.putLong(0, Long.MAX_VALUE, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(8, 0, ByteOrder.LITTLE_ENDIAN);
        assertNames(Serializers.instants(),
            assertThrows(SerializationException.class, () -> Serializers.instants().read(buffer, 0, 12)));
    }

    static void assertNames(final Serializer<?> serializer, final SerializationException ex)
    {
        assertTrue(ex.getMessage().startsWith(serializer.fingerprint().toString()),
            "the message must start with the serializer's fingerprint: " + ex.getMessage());
    }

    static void assertNames(final Serializer<?> serializer, final Supplier<SerializationException> failure)
    {
        assertNames(serializer, failure.get());
    }

    @Test
    void theFixtureItselfCatchesAWriteThatLeavesAByteUnset()
    {
        final Serializer<Long> sloppy = new Serializer<>()
        {
            public SerializerFingerprint fingerprint()
            {
                return new SerializerFingerprint("test.sloppy", 1, 8);
            }

            public int fixedSize()
            {
                return 8;
            }

            public int sizeOf(final Long value)
            {
                return 8;
            }

            public void write(final Long value, final org.agrona.MutableDirectBuffer buffer, final int offset)
            {
                buffer.putInt(offset, value.intValue());
            }

            public Long read(final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                return (long)buffer.getInt(offset);
            }
        };
        assertThrows(AssertionError.class, () -> Buffers.roundTrip(sloppy, 1L));
        assertEquals(8, sloppy.fixedSize());
    }
}
