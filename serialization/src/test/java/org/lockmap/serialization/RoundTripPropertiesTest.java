package org.lockmap.serialization;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.lockmap.serialization.TestTypes.Colour;
import org.lockmap.serialization.TestTypes.FixedNested;
import org.lockmap.serialization.TestTypes.Nested;
import org.lockmap.serialization.TestTypes.Point;
import org.lockmap.serialization.TestTypes.Tail;
import org.lockmap.serialization.TestTypes.Trade;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Every built-in serializer round-trips random values, jqwik's edge cases included (MIN/MAX, 0, -0.0, NaN,
 * empty strings and arrays), on off-heap and heap buffers.
 */
class RoundTripPropertiesTest
{
    @Property
    void longs(@ForAll final long value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.longs(), value));
    }

    @Property
    void ints(@ForAll final int value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.ints(), value));
    }

    @Property
    void shorts(@ForAll final short value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.shorts(), value));
    }

    @Property
    void bytes(@ForAll final byte value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.bytes(), value));
    }

    @Property
    void chars(@ForAll final char value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.chars(), value));
    }

    @Property
    void booleans(@ForAll final boolean value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.booleans(), value));
    }

    @Property
    void doublesKeepTheirBitsExceptNaNPayloads(@ForAll("doubles") final double value)
    {
        final double read = Buffers.roundTrip(Serializers.doubles(), value);
        assertEquals(Double.doubleToLongBits(value), Double.doubleToRawLongBits(read));
    }

    @Property
    void floatsKeepTheirBitsExceptNaNPayloads(@ForAll("floats") final float value)
    {
        final float read = Buffers.roundTrip(Serializers.floats(), value);
        assertEquals(Float.floatToIntBits(value), Float.floatToRawIntBits(read));
    }

    @Property
    void stringsRoundTripAndMatchTheJdkEncoder(@ForAll("strings") final String value)
    {
        final byte[] stored = Buffers.bytesOf(Serializers.strings(), value);
        assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), stored);
        assertEquals(value, Buffers.roundTrip(Serializers.strings(), value));
    }

    @Property
    void byteArrays(@ForAll final byte[] value)
    {
        assertArrayEquals(value, Buffers.roundTrip(Serializers.byteArrays(), value));
    }

    @Property
    void byteBuffersFromTheirPositionToTheirLimit(
        @ForAll final byte[] content, @ForAll("smallInts") final int before, @ForAll("smallInts") final int after)
    {
        final ByteBuffer source = ByteBuffer.allocate(before + content.length + after);
        source.position(before).put(content).position(before).limit(before + content.length);

        final ByteBuffer read = Buffers.roundTrip(Serializers.byteBuffers(), source);

        assertEquals(before, source.position(), "writing must not move the source");
        assertEquals(ByteBuffer.wrap(content), read);
        assertEquals(0, read.position());
    }

    @Property
    void byteBuffersReuseABigEnoughBuffer(@ForAll final byte[] content, @ForAll final boolean direct)
    {
        final Serializer<ByteBuffer> serializer = Serializers.byteBuffers();
        final ByteBuffer reuse = direct ? ByteBuffer.allocateDirect(content.length + 3) : ByteBuffer.allocate(content.length);
        reuse.position(reuse.capacity());

        final ByteBuffer read = Buffers.read(serializer, content, Buffers.Kind.OFF_HEAP, reuse);

        assertSame(reuse, read);
        assertEquals(ByteBuffer.wrap(content), read);
    }

    @Property
    void uuids(@ForAll("uuids") final UUID value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.uuids(), value));
    }

    @Property
    void instants(@ForAll("instants") final Instant value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.instants(), value));
    }

    @Property
    void enums(@ForAll final Colour value)
    {
        assertSame(value, Buffers.roundTrip(Serializers.enums(Colour.class), value));
    }

    @Property
    void fixedSizeRecords(@ForAll("fixedNested") final FixedNested value)
    {
        final Serializer<FixedNested> serializer = Serializers.records(FixedNested.class);
        assertEquals(2 * 8 + 16 + 12 + 1, serializer.fixedSize());
        assertEquals(value, Buffers.roundTrip(serializer, value));
    }

    @Property
    void recordsWithStrings(@ForAll("trades") final Trade value)
    {
        final Trade read = Buffers.roundTrip(Serializers.records(Trade.class), value);
        assertEquals(value, read);
        // equals compares the double with Double.compare, i.e. by bits: -0.0 and NaN are checked too.
    }

    @Property
    void nestedRecords(@ForAll("nested") final Nested value)
    {
        assertEquals(value, Buffers.roundTrip(Serializers.records(Nested.class), value));
    }

    @Property
    void recordsWithSeveralVariableComponents(
        @ForAll("strings") final String first,
        @ForAll final byte[] second,
        @ForAll final long fixedAfter,
        @ForAll("strings") final String third,
        @ForAll final int fixedLast)
    {
        final Tail read = Buffers.roundTrip(
            Serializers.records(Tail.class), new Tail(first, second, fixedAfter, third, fixedLast));
        assertEquals(first, read.first());
        assertArrayEquals(second, read.second());
        assertEquals(fixedAfter, read.fixedAfter());
        assertEquals(third, read.third());
        assertEquals(fixedLast, read.fixedLast());
    }

    @Provide
    Arbitrary<Double> doubles()
    {
        return Arbitraries.oneOf(
            Arbitraries.doubles(),
            Arbitraries.longs().map(Double::longBitsToDouble),
            Arbitraries.of(Double.NaN, -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, Double.longBitsToDouble(0xfff8_0000_0000_0001L)));
    }

    @Provide
    Arbitrary<Float> floats()
    {
        return Arbitraries.oneOf(
            Arbitraries.floats(),
            Arbitraries.integers().map(Float::intBitsToFloat),
            Arbitraries.of(Float.NaN, -0.0f, 0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY));
    }

    /**
     * Well-formed strings: ASCII ones (the fast path), any code points (surrogate pairs included, lone
     * surrogates excluded), and hand-picked edge cases.
     */
    @Provide
    Arbitrary<String> strings()
    {
        return Strings.valid();
    }

    @Provide
    Arbitrary<Integer> smallInts()
    {
        return Arbitraries.integers().between(0, 5);
    }

    @Provide
    Arbitrary<UUID> uuids()
    {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
    }

    @Provide
    Arbitrary<Instant> instants()
    {
        return Strings.instants();
    }

    @Provide
    Arbitrary<FixedNested> fixedNested()
    {
        final Arbitrary<Point> points = Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(Point::new);
        return Combinators.combine(points, points, uuids(), instants(), Arbitraries.of(Colour.class))
            .as(FixedNested::new);
    }

    @Provide
    Arbitrary<Trade> trades()
    {
        return Combinators.combine(
                Arbitraries.longs(), strings(), Arbitraries.integers(), doubles(), Arbitraries.of(Colour.class),
                uuids(), instants())
            .as(Trade::new);
    }

    @Provide
    Arbitrary<Nested> nested()
    {
        final Arbitrary<Point> points = Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(Point::new);
        return Combinators.combine(points, trades(), strings()).as(Nested::new);
    }
}
