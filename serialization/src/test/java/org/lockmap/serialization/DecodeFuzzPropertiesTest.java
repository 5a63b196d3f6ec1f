package org.lockmap.serialization;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Arbitrary stored bytes either decode or fail with {@link SerializationException}: nothing else escapes,
 * also when the bytes fill their buffer exactly, so that a read past their end meets the buffer's bounds
 * rather than guard bytes. Seeded: see {@link Property}.
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

    /** Random garbage per serializer: 21 serializers times this is about 5,000 inputs, read on both kinds. */
    private static final int TRIES_PER_SERIALIZER = 250;

    /** Lead bytes whose second byte has a narrower range than 0x80 to 0xBF, or (0xC2) the smallest valid one. */
    private static final byte[] SPECIAL_LEADS = { (byte)0xE0, (byte)0xED, (byte)0xF0, (byte)0xF4, (byte)0xC2 };

    /** Lead bytes at and next to the limits: overlong 0xC0 and 0xC1, 0xE0, 0xED, 0xF0, 0xF4, never-valid 0xF5. */
    private static final int[] BOUNDARY_LEADS = { 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0,
        0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF };

    /** Second bytes at and next to the limits of the ranges the lead bytes allow. */
    private static final int[] BOUNDARY_SECONDS = { 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF };

    /**
     * Up to 80 random bytes, half the time at most 16 (the fixed sizes and the length prefixes live there).
     */
    private static final Generator<byte[]> GARBAGE = Generators.byteArrays(80);

    @Test
    void arbitraryBytesDecodeOrFailCleanly()
    {
        for (final Serializer<?> serializer : ALL)
        {
            Property.forAll(TRIES_PER_SERIALIZER, GARBAGE, bytes ->
            {
                for (final Buffers.Kind kind : Buffers.Kind.values())
                {
                    for (final boolean exact : new boolean[]{ false, true })
                    {
                        try
                        {
                            if (exact)
                            {
                                Buffers.readExact(serializer, bytes, kind);
                            }
                            else
                            {
                                Buffers.read(serializer, bytes, kind);
                            }
                        }
                        catch (final SerializationException ex)
                        {
                            BadInputTest.assertNames(serializer, ex);
                        }
                        catch (final RuntimeException | StackOverflowError | OutOfMemoryError ex)
                        {
                            throw new AssertionError(serializer + " on " + kind + (exact ? " exact" : " guarded") +
                                " let out " + ex, ex);
                        }
                    }
                }
            });
        }
    }

    /**
     * The JDK's strict decoder is the oracle: the same inputs are accepted, with the same result.
     */
    @Test
    void utf8ValidationAgreesWithTheJdkStrictDecoder()
    {
        Property.forAll(6000, DecodeFuzzPropertiesTest::utf8ish, bytes ->
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
                assertThrows(SerializationException.class,
                    () -> Buffers.read(Serializers.strings(), bytes, Buffers.Kind.OFF_HEAP));
            }
            else
            {
                assertEquals(expected, Buffers.read(Serializers.strings(), bytes, Buffers.Kind.OFF_HEAP));
            }
        });
    }

    /**
     * Half the time byte soup, half the time mostly valid UTF-8 with the odd defect: a string of soup is
     * rarely valid anywhere else, so only the second kind finds a decoder that accepts one bad sequence.
     */
    private static byte[] utf8ish(final SplittableRandom r)
    {
        return r.nextBoolean() ? byteSoup(r) : mostlyValid(r);
    }

    /**
     * Bytes biased towards the interesting UTF-8 region: up to 12, each a continuation byte (weight 3), a lead
     * or invalid byte from 0xC0 up (2), ASCII (2) or one of {@link #SPECIAL_LEADS} (1).
     */
    private static byte[] byteSoup(final SplittableRandom r)
    {
        final byte[] bytes = new byte[r.nextInt(13)];
        for (int i = 0; i < bytes.length; i++)
        {
            final int pick = r.nextInt(8);
            bytes[i] = (byte)(pick < 3 ? r.nextInt(0x80, 0xC0) :
                pick < 5 ? r.nextInt(0xC0, 0x100) :
                pick < 7 ? r.nextInt(0x80) :
                SPECIAL_LEADS[r.nextInt(SPECIAL_LEADS.length)]);
        }
        return bytes;
    }

    /**
     * Up to 6 pieces, each a well-formed character of any UTF-8 length (weight 4), a sequence built on the
     * boundaries of the rules (1: a lead byte at or next to a limit, a second byte at or next to its limit,
     * then continuations, one too few or too many now and then) or a random byte (1).
     */
    private static byte[] mostlyValid(final SplittableRandom r)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int pieces = r.nextInt(7); pieces > 0; pieces--)
        {
            final int pick = r.nextInt(6);
            if (pick < 4)
            {
                out.writeBytes(Character.toString(Generators.codePoint(r)).getBytes(StandardCharsets.UTF_8));
            }
            else if (pick < 5)
            {
                final int lead = BOUNDARY_LEADS[r.nextInt(BOUNDARY_LEADS.length)];
                final int length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
                final int continuations = length - 1 + (r.nextInt(8) == 0 ? r.nextInt(-1, 2) : 0);
                out.write(lead);
                for (int k = 0; k < continuations; k++)
                {
                    out.write(k == 0 ? BOUNDARY_SECONDS[r.nextInt(BOUNDARY_SECONDS.length)] :
                        r.nextInt(8) == 0 ? r.nextInt(0x100) : r.nextInt(0x80, 0xC0));
                }
            }
            else
            {
                out.write(r.nextInt(0x100));
            }
        }
        return out.toByteArray();
    }
}
