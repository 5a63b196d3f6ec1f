package org.lockmap.serialization;

import org.junit.jupiter.api.Test;
import org.lockmap.serialization.TestTypes.Colour;
import org.lockmap.serialization.TestTypes.FixedNested;
import org.lockmap.serialization.TestTypes.Nested;
import org.lockmap.serialization.TestTypes.Tail;
import org.lockmap.serialization.TestTypes.Trade;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every built-in serializer round-trips random values and the generators' edge cases (MIN/MAX, 0, -0.0,
 * NaN and NaN payloads, infinities, empty strings and arrays, surrogate pairs), on off-heap and heap
 * buffers. Seeded: see {@link Property}.
 */
class RoundTripPropertiesTest
{
    /** The arguments of {@link #byteBuffersFromTheirPositionToTheirLimit()}. */
    record Slice(byte[] content, int before, int after)
    {
    }

    /** The arguments of {@link #byteBuffersReuseABigEnoughBuffer()}. */
    record Reuse(byte[] content, boolean direct)
    {
    }

    /** The arguments of {@link #loneSurrogatesAnywhereCannotBeWritten()}. */
    record WithLoneSurrogate(String valid, int at, char surrogate)
    {
        String value()
        {
            return valid.substring(0, at) + surrogate + valid.substring(at);
        }
    }

    @Test
    void longs()
    {
        Property.forAll(
            Generators.longs(), value -> assertEquals(value, Buffers.roundTrip(Serializers.longs(), value)));
    }

    @Test
    void ints()
    {
        Property.forAll(Generators.ints(), value -> assertEquals(value, Buffers.roundTrip(Serializers.ints(), value)));
    }

    @Test
    void shorts()
    {
        Property.forAll(
            Generators.shorts(), value -> assertEquals(value, Buffers.roundTrip(Serializers.shorts(), value)));
    }

    @Test
    void bytes()
    {
        Property.forAll(
            Generators.bytes(), value -> assertEquals(value, Buffers.roundTrip(Serializers.bytes(), value)));
    }

    @Test
    void chars()
    {
        Property.forAll(
            Generators.chars(), value -> assertEquals(value, Buffers.roundTrip(Serializers.chars(), value)));
    }

    @Test
    void booleans()
    {
        Property.forAll(
            Generators.booleans(), value -> assertEquals(value, Buffers.roundTrip(Serializers.booleans(), value)));
    }

    @Test
    void doublesKeepTheirBitsExceptNaNPayloads()
    {
        Property.forAll(Generators.doubles(), value ->
        {
            final double read = Buffers.roundTrip(Serializers.doubles(), value);
            assertEquals(Double.doubleToLongBits(value), Double.doubleToRawLongBits(read));
        });
    }

    @Test
    void floatsKeepTheirBitsExceptNaNPayloads()
    {
        Property.forAll(Generators.floats(), value ->
        {
            final float read = Buffers.roundTrip(Serializers.floats(), value);
            assertEquals(Float.floatToIntBits(value), Float.floatToRawIntBits(read));
        });
    }

    @Test
    void stringsRoundTripAndMatchTheJdkEncoder()
    {
        Property.forAll(Generators.strings(), value ->
        {
            final byte[] stored = Buffers.bytesOf(Serializers.strings(), value);
            assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), stored);
            assertEquals(value, Buffers.roundTrip(Serializers.strings(), value));
        });
    }

    @Test
    void loneSurrogatesAnywhereCannotBeWritten()
    {
        final Generator<String> strings = Generators.strings();
        final Generator<WithLoneSurrogate> inputs = r ->
        {
            final String valid = strings.next(r);
            final char surrogate = (char)r.nextInt(Character.MIN_SURROGATE, Character.MAX_SURROGATE + 1);
            return new WithLoneSurrogate(valid, r.nextInt(valid.length() + 1), surrogate);
        };
        Property.forAll(inputs, input ->
        {
            // An odd number of surrogates cannot all be paired, wherever the extra one goes.
            final String value = input.value();
            final SerializationException ex =
                assertThrows(SerializationException.class, () -> Serializers.strings().sizeOf(value));
            assertTrue(ex.getMessage().contains("unpaired surrogate"), ex.getMessage());
            assertThrows(SerializationException.class, () -> Serializers.strings().write(
                value, Buffers.allocate(Buffers.Kind.OFF_HEAP, 4 * value.length() + 8), 0));
        });
    }

    @Test
    void byteArrays()
    {
        Property.forAll(
            Generators.byteArrays(),
            value -> assertArrayEquals(value, Buffers.roundTrip(Serializers.byteArrays(), value)));
    }

    @Test
    void byteBuffersFromTheirPositionToTheirLimit()
    {
        final Generator<byte[]> contents = Generators.byteArrays();
        final Generator<Integer> smallInts = Generators.smallInts();
        Property.forAll(r -> new Slice(contents.next(r), smallInts.next(r), smallInts.next(r)), slice ->
        {
            final byte[] content = slice.content();
            final int before = slice.before();
            final ByteBuffer source = ByteBuffer.allocate(before + content.length + slice.after());
            source.position(before).put(content).position(before).limit(before + content.length);

            final ByteBuffer read = Buffers.roundTrip(Serializers.byteBuffers(), source);

            assertEquals(before, source.position(), "writing must not move the source");
            assertEquals(ByteBuffer.wrap(content), read);
            assertEquals(0, read.position());
        });
    }

    @Test
    void byteBuffersReuseABigEnoughBuffer()
    {
        final Generator<byte[]> contents = Generators.byteArrays();
        final Generator<Boolean> booleans = Generators.booleans();
        Property.forAll(r -> new Reuse(contents.next(r), booleans.next(r)), input ->
        {
            final byte[] content = input.content();
            final Serializer<ByteBuffer> serializer = Serializers.byteBuffers();
            final ByteBuffer reuse = input.direct() ?
                ByteBuffer.allocateDirect(content.length + 3) : ByteBuffer.allocate(content.length);
            reuse.position(reuse.capacity());

            final ByteBuffer read = Buffers.read(serializer, content, Buffers.Kind.OFF_HEAP, reuse);

            assertSame(reuse, read);
            assertEquals(ByteBuffer.wrap(content), read);
        });
    }

    @Test
    void uuids()
    {
        Property.forAll(
            Generators.uuids(), value -> assertEquals(value, Buffers.roundTrip(Serializers.uuids(), value)));
    }

    @Test
    void instants()
    {
        Property.forAll(
            Generators.instants(), value -> assertEquals(value, Buffers.roundTrip(Serializers.instants(), value)));
    }

    @Test
    void enums()
    {
        Property.forAll(
            Generators.enums(Colour.class),
            value -> assertSame(value, Buffers.roundTrip(Serializers.enums(Colour.class), value)));
    }

    @Test
    void fixedSizeRecords()
    {
        final Serializer<FixedNested> serializer = Serializers.records(FixedNested.class);
        assertEquals(2 * 8 + 16 + 12 + 1, serializer.fixedSize());
        Property.forAll(Generators.fixedNested(), value -> assertEquals(value, Buffers.roundTrip(serializer, value)));
    }

    @Test
    void recordsWithStrings()
    {
        final Serializer<Trade> serializer = Serializers.records(Trade.class);
        // Trade's equals compares the double with Double.compare, i.e. by bits: -0.0 and NaN are checked too.
        Property.forAll(Generators.trades(), value -> assertEquals(value, Buffers.roundTrip(serializer, value)));
    }

    @Test
    void nestedRecords()
    {
        final Serializer<Nested> serializer = Serializers.records(Nested.class);
        Property.forAll(Generators.nested(), value -> assertEquals(value, Buffers.roundTrip(serializer, value)));
    }

    @Test
    void recordsWithSeveralVariableComponents()
    {
        final Generator<String> strings = Generators.strings();
        final Generator<byte[]> byteArrays = Generators.byteArrays();
        final Generator<Long> longs = Generators.longs();
        final Generator<Integer> ints = Generators.ints();
        final Generator<Tail> tails = r ->
            new Tail(strings.next(r), byteArrays.next(r), longs.next(r), strings.next(r), ints.next(r));
        final Serializer<Tail> serializer = Serializers.records(Tail.class);
        Property.forAll(tails, value ->
        {
            final Tail read = Buffers.roundTrip(serializer, value);
            assertEquals(value.first(), read.first());
            assertArrayEquals(value.second(), read.second());
            assertEquals(value.fixedAfter(), read.fixedAfter());
            assertEquals(value.third(), read.third());
            assertEquals(value.fixedLast(), read.fixedLast());
        });
    }
}
