package org.lockmap.serialization;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Arbitrary stored bytes either decode or fail with {@link SerializationException}: nothing else escapes.
 */
class DecodeFuzzPropertiesTest
{
    private static final List<Serializer<?>> ALL = List.of(
        Serializers.longs(), Serializers.ints(), Serializers.shorts(), Serializers.bytes(), Serializers.chars(),
        Serializers.booleans(), Serializers.doubles(), Serializers.floats(), Serializers.strings(),
        Serializers.byteArrays(), Serializers.byteBuffers(), Serializers.uuids(), Serializers.instants(),
        Serializers.enums(TestTypes.Colour.class), Serializers.records(TestTypes.Point.class),
        Serializers.records(TestTypes.Trade.class), Serializers.records(TestTypes.Nested.class),
        Serializers.records(TestTypes.Tail.class), Serializers.records(TestTypes.Validated.class),
        Serializers.records(TestTypes.Single.class), Serializers.records(TestTypes.Boxed.class));

    @Property(tries = 2000)
    void arbitraryBytesDecodeOrFailCleanly(
        @ForAll("bytes") final byte[] bytes, @ForAll("serializers") final Serializer<?> serializer)
    {
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

    /**
     * The JDK's strict decoder is the oracle: the same inputs are accepted, with the same result.
     */
    @Property(tries = 3000)
    void utf8ValidationAgreesWithTheJdkStrictDecoder(@ForAll("utf8ish") final byte[] bytes)
    {
        String expected;
        try
        {
            expected = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            expected = null;
        }

        if (expected == null)
        {
            assertThrows(SerializationException.class, () -> Buffers.read(Serializers.strings(), bytes, Buffers.Kind.OFF_HEAP));
        }
        else
        {
            assertEquals(expected, Buffers.read(Serializers.strings(), bytes, Buffers.Kind.OFF_HEAP));
        }
    }

    @Provide
    Arbitrary<byte[]> bytes()
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
    }

    @Provide
    Arbitrary<Serializer<?>> serializers()
    {
        return Arbitraries.of(ALL);
    }

    /**
     * Bytes biased towards the interesting UTF-8 region: lead bytes, continuations and ASCII.
     */
    @Provide
    Arbitrary<byte[]> utf8ish()
    {
        final Arbitrary<Byte> interesting = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x80, 0xBF).map(Integer::byteValue)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0xC0, 0xFF).map(Integer::byteValue)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x00, 0x7F).map(Integer::byteValue)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of((byte)0xE0, (byte)0xED, (byte)0xF0, (byte)0xF4, (byte)0xC2)));
        return interesting.array(byte[].class).ofMaxSize(12);
    }
}
