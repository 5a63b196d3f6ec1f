package org.lockmap.serialization;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.lockmap.serialization.TestTypes.AllPrimitives;
import org.lockmap.serialization.TestTypes.Boxed;
import org.lockmap.serialization.TestTypes.Colour;
import org.lockmap.serialization.TestTypes.FixedNested;
import org.lockmap.serialization.TestTypes.Nested;
import org.lockmap.serialization.TestTypes.NoComponents;
import org.lockmap.serialization.TestTypes.Point;
import org.lockmap.serialization.TestTypes.Single;
import org.lockmap.serialization.TestTypes.Tail;
import org.lockmap.serialization.TestTypes.Trade;
import org.lockmap.serialization.TestTypes.Validated;

import java.lang.invoke.MethodHandles;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records: layout, sizes, nesting and every way stored bytes or a type can be wrong.
 */
class RecordSerializerTest
{
    private static final Trade TRADE = new Trade(
        42L, "EUR/USD", 1_000_000, 1.0842, Colour.GREEN, new UUID(1, 2), Instant.ofEpochSecond(1_700_000_000, 5));

    @Test
    void aRecordOfFixedSizeComponentsIsFixedSizeWithoutPrefixes()
    {
        final Serializer<Point> serializer = Serializers.records(Point.class);
        assertEquals(8, serializer.fixedSize());
        assertArrayEquals(new byte[]{ 1, 0, 0, 0, (byte)0xFE, (byte)0xFF, (byte)0xFF, (byte)0xFF },
            Buffers.bytesOf(serializer, new Point(1, -2)));

        assertEquals(8 + 4 + 2 + 1 + 2 + 1 + 8 + 4, Serializers.records(AllPrimitives.class).fixedSize());
        assertEquals(8 + 4 + 2 + 1 + 2 + 1 + 8 + 4, Serializers.records(Boxed.class).fixedSize());
        assertEquals(0, Serializers.records(NoComponents.class).fixedSize());
        assertEquals(new NoComponents(), Buffers.roundTrip(Serializers.records(NoComponents.class), new NoComponents()));
    }

    @Test
    void primitivesAndBoxesRoundTripAlike()
    {
        final AllPrimitives primitives =
            new AllPrimitives(Long.MIN_VALUE, -1, Short.MAX_VALUE, Byte.MIN_VALUE, '\uFFFF', true, -0.0, Float.NaN);
        assertEquals(primitives, Buffers.roundTrip(Serializers.records(AllPrimitives.class), primitives));
        final Boxed boxed = new Boxed(Long.MIN_VALUE, -1, Short.MAX_VALUE, Byte.MIN_VALUE, '\uFFFF', true, -0.0, Float.NaN);
        assertEquals(boxed, Buffers.roundTrip(Serializers.records(Boxed.class), boxed));
        assertArrayEquals(
            Buffers.bytesOf(Serializers.records(AllPrimitives.class), primitives),
            Buffers.bytesOf(Serializers.records(Boxed.class), boxed));
    }

    @Test
    void onlyVariableSizeComponentsFollowedByAnotherOneHaveALengthPrefix()
    {
        final Tail tail = new Tail("ab", new byte[]{ 9 }, 7L, "xyz", 5);
        final byte[] bytes = Buffers.bytesOf(Serializers.records(Tail.class), tail);
        final byte[] expected = {
            2, 'a', 'b',                 // first: prefixed
            1, 9,                        // second: prefixed
            7, 0, 0, 0, 0, 0, 0, 0,      // fixedAfter
            'x', 'y', 'z',               // third: the last variable-size one, no prefix
            5, 0, 0, 0 };                // fixedLast
        assertArrayEquals(expected, bytes);

        assertArrayEquals(new byte[]{ 'h', 'i' }, Buffers.bytesOf(Serializers.records(Single.class), new Single("hi")));
    }

    @Test
    void longComponentsTakeAMultiByteLengthPrefix()
    {
        final String first = "p".repeat(200);
        final Tail tail = new Tail(first, new byte[70_000], 1L, "", 2);
        final byte[] bytes = Buffers.bytesOf(Serializers.records(Tail.class), tail);
        assertEquals((byte)(0x80 | (200 & 0x7F)), bytes[0]);
        assertEquals((byte)(200 >>> 7), bytes[1]);
        assertEquals(2 + 200 + 3 + 70_000 + 8 + 0 + 4, bytes.length);
        final Tail read = Buffers.read(Serializers.records(Tail.class), bytes, Buffers.Kind.OFF_HEAP);
        assertEquals(first, read.first());
        assertEquals(70_000, read.second().length);
    }

    @Test
    void nestedRecords()
    {
        final Nested nested = new Nested(new Point(3, 4), TRADE, "label \u00E9");
        assertEquals(nested, Buffers.roundTrip(Serializers.records(Nested.class), nested));
        final FixedNested fixed = new FixedNested(new Point(1, 2), new Point(3, 4), new UUID(5, 6), Instant.EPOCH, Colour.RED);
        assertEquals(fixed, Buffers.roundTrip(Serializers.records(FixedNested.class), fixed));
    }

    @Test
    void truncatedAndOverlongRecordsAreRejected()
    {
        final Serializer<Trade> serializer = Serializers.records(Trade.class);
        final byte[] bytes = Buffers.bytesOf(serializer, TRADE);
        // The string is the only variable-size component, so the record's length fixes its length: any other
        // length shifts the fixed components after it; these lengths cannot hold the fixed part at all.
        final int fixedPart = 8 + 4 + 8 + 1 + 16 + 12;
        for (int length = 0; length < fixedPart; length++)
        {
            final byte[] truncated = java.util.Arrays.copyOf(bytes, length);
            final SerializationException ex = assertThrows(SerializationException.class,
                () -> Buffers.read(serializer, truncated, Buffers.Kind.OFF_HEAP), "length " + length);
            BadInputTest.assertNames(serializer, ex);
        }

        final Serializer<Tail> tails = Serializers.records(Tail.class);
        final byte[] tail = Buffers.bytesOf(tails, new Tail("ab", new byte[]{ 9 }, 7L, "xyz", 5));
        tail[0] = 100; // the first prefix now claims more bytes than there are
        final SerializationException ex = assertThrows(SerializationException.class,
            () -> Buffers.read(tails, tail, Buffers.Kind.HEAP));
        assertTrue(ex.getMessage().contains("truncated: component 'first'"), ex.getMessage());

        final byte[] badPrefix = { (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        final SerializationException prefix = assertThrows(SerializationException.class,
            () -> Buffers.read(tails, badPrefix, Buffers.Kind.HEAP));
        assertTrue(prefix.getMessage().contains("length prefix"), prefix.getMessage());
    }

    @Test
    void aComponentThatDoesNotDecodeIsNamed()
    {
        final Serializer<Trade> serializer = Serializers.records(Trade.class);
        final byte[] bytes = Buffers.bytesOf(serializer, TRADE);
        bytes[8 + 7 + 4 + 8] = 9; // the colour's ordinal
        final SerializationException ex =
            assertThrows(SerializationException.class, () -> Buffers.read(serializer, bytes, Buffers.Kind.OFF_HEAP));
        BadInputTest.assertNames(serializer, ex);
        assertTrue(ex.getMessage().contains("component 'colour'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("unknown ordinal 9"), ex.getMessage());
    }

    @Test
    void aFixedSizeRecordNamesTheComponentThatDoesNotDecode()
    {
        final Serializer<AllPrimitives> serializer = Serializers.records(AllPrimitives.class);
        final byte[] bytes = Buffers.bytesOf(serializer, new AllPrimitives(1, 2, (short)3, (byte)4, 'c', true, 6, 7));
        bytes[8 + 4 + 2 + 1 + 2] = 2; // the boolean
        final SerializationException ex =
            assertThrows(SerializationException.class, () -> Buffers.read(serializer, bytes, Buffers.Kind.OFF_HEAP));
        BadInputTest.assertNames(serializer, ex);
        assertTrue(ex.getMessage().contains("component 'z'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("stored as 0 or 1, found 2"), ex.getMessage());

        final Serializer<FixedNested> nested = Serializers.records(FixedNested.class);
        final byte[] nestedBytes = Buffers.bytesOf(nested,
            new FixedNested(new Point(1, 2), new Point(3, 4), new UUID(5, 6), Instant.EPOCH, Colour.RED));
        nestedBytes[nestedBytes.length - 1] = 7; // the colour
        final SerializationException nestedFailure =
            assertThrows(SerializationException.class, () -> Buffers.read(nested, nestedBytes, Buffers.Kind.HEAP));
        assertTrue(nestedFailure.getMessage().contains("component 'colour'"), nestedFailure.getMessage());
    }

    @Test
    void readingFixedSizeRecordsAllocatesOnlyTheRecord()
    {
        final Serializer<AllPrimitives> serializer = Serializers.records(AllPrimitives.class);
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 64);
        serializer.write(new AllPrimitives(123_456_789L, 1 << 20, (short)300, (byte)1, 'x', true, 1e300, 1e30f), buffer, 0);
        final AllPrimitives[] sink = new AllPrimitives[1];
        final long allocated = Allocations.measure(10_000, () -> sink[0] = serializer.read(buffer, 0, 30));
        // One AllPrimitives is 48 bytes with compressed oops; boxing the eight components would add ~130 more.
        assertTrue(allocated < 10_000 * 64L, "allocated " + allocated + " bytes for 10,000 reads");
        assertEquals(123_456_789L, sink[0].l());
    }

    @Test
    void readingVariableSizeRecordsDoesNotBoxPrimitives()
    {
        final Serializer<TestTypes.Small> serializer = Serializers.records(TestTypes.Small.class);
        final TestTypes.Small value = new TestTypes.Small(123_456_789L, "AB", 1 << 20);
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 64);
        final int size = serializer.sizeOf(value);
        serializer.write(value, buffer, 0);
        final TestTypes.Small[] sink = new TestTypes.Small[1];
        final long allocated = Allocations.measure(10_000, () -> sink[0] = serializer.read(buffer, 0, size));
        // The record (32 bytes) and its String (48): an argument array and boxed long and int would add 64.
        assertTrue(allocated < 10_000 * 100L, "allocated " + allocated + " bytes for 10,000 reads");
        assertEquals(value, sink[0]);
    }

    @Test
    void theCanonicalConstructorValidatesStoredComponents()
    {
        final Serializer<Validated> serializer = Serializers.records(Validated.class);
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.HEAP, 4);
        buffer.putInt(0, -5, java.nio.ByteOrder.LITTLE_ENDIAN);
        final SerializationException ex =
            assertThrows(SerializationException.class, () -> serializer.read(buffer, 0, 4));
        assertTrue(ex.getMessage().contains("quantity must not be negative"), ex.getMessage());
    }

    @Test
    void nullComponentsCannotBeWritten()
    {
        final Serializer<Trade> serializer = Serializers.records(Trade.class);
        final Trade noSymbol = new Trade(1, null, 1, 1.0, Colour.RED, new UUID(0, 0), Instant.EPOCH);
        final SerializationException ex = assertThrows(SerializationException.class, () -> serializer.sizeOf(noSymbol));
        assertTrue(ex.getMessage().contains("component 'symbol' is null"), ex.getMessage());

        final Serializer<Boxed> boxed = Serializers.records(Boxed.class);
        final Boxed noLong = new Boxed(null, 1, (short)1, (byte)1, 'c', true, 1.0, 1f);
        assertThrows(SerializationException.class,
            () -> boxed.write(noLong, Buffers.allocate(Buffers.Kind.HEAP, 64), 0));
    }

    @Test
    void unsupportedTypesAreRefusedAtConstruction()
    {
        final IllegalArgumentException list = assertThrows(IllegalArgumentException.class,
            () -> Serializers.records(TestTypes.Unsupported.class));
        assertTrue(list.getMessage().contains("'tags'"), list.getMessage());
        assertTrue(list.getMessage().contains("java.util.List<java.lang.String>"), list.getMessage());

        assertThrows(IllegalArgumentException.class, () -> Serializers.records(TestTypes.Generic.class));
        final IllegalArgumentException recursive = assertThrows(IllegalArgumentException.class,
            () -> Serializers.records(TestTypes.Recursive.class));
        assertTrue(recursive.getMessage().contains("contains itself"), recursive.getMessage());
    }

    @Test
    void aLookupCanBeGiven()
    {
        final Serializer<Point> serializer = Serializers.records(Point.class, MethodHandles.lookup());
        assertEquals(new Point(5, 6), Buffers.roundTrip(serializer, new Point(5, 6)));
    }

    @Test
    void writingPrimitiveRecordsDoesNotBox()
    {
        final Serializer<AllPrimitives> serializer = Serializers.records(AllPrimitives.class);
        final AllPrimitives value = new AllPrimitives(123_456_789L, 1 << 20, (short)300, (byte)1, 'x', true, 1e300, 1e30f);
        final MutableDirectBuffer buffer = Buffers.allocate(Buffers.Kind.OFF_HEAP, 64);
        final long allocated = Allocations.measure(10_000, () -> serializer.write(value, buffer, 0));
        // Boxing the long, the doubles and the like 10,000 times would be hundreds of kilobytes; allow noise.
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10,000 writes");
    }
}
