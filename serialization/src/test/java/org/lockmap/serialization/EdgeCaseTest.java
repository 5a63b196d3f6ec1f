package org.lockmap.serialization;

import org.junit.jupiter.api.Test;
import org.lockmap.serialization.TestTypes.Colour;
import org.lockmap.serialization.TestTypes.Empty;
import org.lockmap.serialization.TestTypes.Op;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named edge cases, and the byte formats pinned down, since stored bytes must not change silently.
 */
class EdgeCaseTest
{
    @Test
    void everyNaNIsStoredAsTheCanonicalNaN()
    {
        final byte[] canonical = Buffers.bytesOf(Serializers.doubles(), Double.NaN);
        for (final long bits : new long[]{ 0x7ff0_0000_0000_0001L, 0x7fff_ffff_ffff_ffffL, 0xfff8_0000_0000_0000L })
        {
            final double nan = Double.longBitsToDouble(bits);
            assertTrue(Double.isNaN(nan));
            assertArrayEquals(canonical, Buffers.bytesOf(Serializers.doubles(), nan), Long.toHexString(bits));
        }
        assertArrayEquals(new byte[]{ 0, 0, 0, 0, 0, 0, (byte)0xf8, 0x7f }, canonical);

        final byte[] canonicalFloat = Buffers.bytesOf(Serializers.floats(), Float.NaN);
        assertArrayEquals(canonicalFloat, Buffers.bytesOf(Serializers.floats(), Float.intBitsToFloat(0xffc0_0001)));
        assertArrayEquals(new byte[]{ 0, 0, (byte)0xc0, 0x7f }, canonicalFloat);
    }

    @Test
    void negativeZeroIsADifferentKeyFromZero()
    {
        assertFalse(java.util.Arrays.equals(
            Buffers.bytesOf(Serializers.doubles(), 0.0), Buffers.bytesOf(Serializers.doubles(), -0.0)));
        assertEquals(Double.doubleToRawLongBits(-0.0),
            Double.doubleToRawLongBits(Buffers.roundTrip(Serializers.doubles(), -0.0)));
        assertEquals(Float.floatToRawIntBits(-0.0f),
            Float.floatToRawIntBits(Buffers.roundTrip(Serializers.floats(), -0.0f)));
    }

    @Test
    void minAndMaxValues()
    {
        assertEquals(Long.MIN_VALUE, Buffers.roundTrip(Serializers.longs(), Long.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, Buffers.roundTrip(Serializers.longs(), Long.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, Buffers.roundTrip(Serializers.ints(), Integer.MIN_VALUE));
        assertEquals(Short.MIN_VALUE, Buffers.roundTrip(Serializers.shorts(), Short.MIN_VALUE));
        assertEquals(Byte.MIN_VALUE, Buffers.roundTrip(Serializers.bytes(), Byte.MIN_VALUE));
        assertEquals(Character.MAX_VALUE, Buffers.roundTrip(Serializers.chars(), Character.MAX_VALUE));
        assertEquals(Double.MIN_VALUE, Buffers.roundTrip(Serializers.doubles(), Double.MIN_VALUE));
        assertEquals(Float.MAX_VALUE, Buffers.roundTrip(Serializers.floats(), Float.MAX_VALUE));
        assertEquals(Instant.MIN, Buffers.roundTrip(Serializers.instants(), Instant.MIN));
        assertEquals(Instant.MAX, Buffers.roundTrip(Serializers.instants(), Instant.MAX));
        final UUID max = new UUID(-1L, -1L);
        assertEquals(max, Buffers.roundTrip(Serializers.uuids(), max));
    }

    @Test
    void littleEndianNumbersAndBigEndianUuids()
    {
        assertArrayEquals(new byte[]{ 8, 7, 6, 5, 4, 3, 2, 1 },
            Buffers.bytesOf(Serializers.longs(), 0x0102030405060708L));
        assertArrayEquals(new byte[]{ 4, 3, 2, 1 }, Buffers.bytesOf(Serializers.ints(), 0x01020304));
        final UUID uuid = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        final byte[] expected = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            expected[i] = (byte)(i * 0x11);
        }
        assertArrayEquals(expected, Buffers.bytesOf(Serializers.uuids(), uuid));
    }

    @Test
    void emptyValues()
    {
        assertEquals("", Buffers.roundTrip(Serializers.strings(), ""));
        assertEquals(0, Serializers.strings().sizeOf(""));
        assertArrayEquals(new byte[0], Buffers.roundTrip(Serializers.byteArrays(), new byte[0]));
        assertEquals(0, Buffers.roundTrip(Serializers.byteBuffers(), ByteBuffer.allocate(0)).remaining());
    }

    @Test
    void surrogatePairsAreFourUtf8Bytes()
    {
        final String grinning = "\uD83D\uDE00";
        assertEquals(4, Serializers.strings().sizeOf(grinning));
        assertArrayEquals(new byte[]{ (byte)0xF0, (byte)0x9F, (byte)0x98, (byte)0x80 },
            Buffers.bytesOf(Serializers.strings(), grinning));
        assertEquals(grinning, Buffers.roundTrip(Serializers.strings(), grinning));
        for (final String edge : Strings.EDGE_CASES)
        {
            assertEquals(edge, Buffers.roundTrip(Serializers.strings(), edge));
            assertArrayEquals(edge.getBytes(StandardCharsets.UTF_8), Buffers.bytesOf(Serializers.strings(), edge));
        }
    }

    @Test
    void longStringsBeyondTheRetainedScratchSize()
    {
        final String ascii = "x".repeat(Scratch.MAX_RETAINED * 2 + 1);
        assertEquals(ascii, Buffers.roundTrip(Serializers.strings(), ascii));
        final String mixed = "\u00E9\uD83D\uDE00z".repeat(20_000);
        assertEquals(mixed, Buffers.roundTrip(Serializers.strings(), mixed));
    }

    @Test
    void stringReadsOnVirtualThreads() throws Exception
    {
        final String[] read = new String[1];
        final Thread thread = Thread.ofVirtual().start(() -> read[0] = Buffers.roundTrip(Serializers.strings(), "v\u00E9"));
        thread.join();
        assertEquals("v\u00E9", read[0]);
    }

    @Test
    void loneSurrogatesCannotBeWritten()
    {
        for (final String bad : new String[]{ "\uD800", "a\uDC00", "\uDBFFx", "ok\uD83D", "\uDE00\uD83D" })
        {
            final SerializationException sizeFailure =
                assertThrows(SerializationException.class, () -> Serializers.strings().sizeOf(bad));
            assertTrue(sizeFailure.getMessage().startsWith("lockmap.string.utf8"), sizeFailure.getMessage());
            assertTrue(sizeFailure.getMessage().contains("unpaired surrogate"), sizeFailure.getMessage());
            assertThrows(SerializationException.class, () -> Serializers.strings().write(
                bad, Buffers.allocate(Buffers.Kind.OFF_HEAP, 64), 0));
        }
    }

    @Test
    void enumsByOrdinal()
    {
        final Serializer<Colour> serializer = Serializers.enums(Colour.class);
        assertEquals(1, serializer.fixedSize());
        assertArrayEquals(new byte[]{ 2 }, Buffers.bytesOf(serializer, Colour.BLUE));
        assertSame(Op.SELL, Buffers.roundTrip(Serializers.enums(Op.class), Op.SELL));
        assertEquals(1, Serializers.enums(Empty.class).fixedSize());
        assertEquals(1, EnumSerializer.sizeFor(256));
        assertEquals(2, EnumSerializer.sizeFor(257));
        assertEquals(2, EnumSerializer.sizeFor(65_536));
        assertEquals(4, EnumSerializer.sizeFor(65_537));
    }

    @Test
    @SuppressWarnings({ "unchecked", "rawtypes" })
    void enumsRejectConstantBodyClasses()
    {
        final Class type = Op.SELL.getClass();
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Serializers.enums(type));
        assertTrue(ex.getMessage().contains("pass " + Op.class.getName() + ".class"), ex.getMessage());
    }

    @Test
    void byteBuffersTooSmallOrReadOnlyForReuseGiveANewBuffer()
    {
        final byte[] content = { 1, 2, 3, 4 };
        final ByteBuffer small = ByteBuffer.allocate(3);
        final ByteBuffer result = Buffers.read(Serializers.byteBuffers(), content, Buffers.Kind.HEAP, small);
        assertNotSame(small, result);
        assertEquals(ByteBuffer.wrap(content), result);

        final ByteBuffer readOnly = ByteBuffer.allocate(8).asReadOnlyBuffer();
        assertNotSame(readOnly, Buffers.read(Serializers.byteBuffers(), content, Buffers.Kind.HEAP, readOnly));
    }

    @Test
    void reuseIsOnlyClaimedWhereItHappens()
    {
        assertTrue(Serializers.byteBuffers().supportsReuse());
        assertFalse(Serializers.strings().supportsReuse());
        assertFalse(Serializers.longs().supportsReuse());
        assertFalse(Serializers.records(TestTypes.Point.class).supportsReuse());
    }
}
