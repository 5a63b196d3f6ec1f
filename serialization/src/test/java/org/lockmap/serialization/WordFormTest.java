package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Serializer#toWord} is the serialized bytes read as one word, and {@link Serializer#fromWord} its
 * inverse: a map stores the bytes and reads them back as words, so the two forms must never disagree.
 */
class WordFormTest
{
    private static final SplittableRandom RANDOM = new SplittableRandom(7);

    @Test
    void longsIntsAndDoublesAreTheirBytesAsAWord()
    {
        check(Serializers.longs(), bits -> bits);
        check(Serializers.ints(), bits -> (int)bits);
        check(Serializers.doubles(), Double::longBitsToDouble);
    }

    @Test
    void everyNaNHasTheCanonicalNaNsWord()
    {
        final Serializer<Double> doubles = Serializers.doubles();
        assertEquals(doubles.toWord(Double.NaN), doubles.toWord(Double.longBitsToDouble(0x7ff0_0000_0000_0001L)));
        assertTrue(Double.isNaN(doubles.fromWord(doubles.toWord(Double.NaN))));
    }

    @Test
    void aSerializerWithoutAWordFormSaysSoAndRefusesTheWordMethods()
    {
        final Serializer<String> custom = new Serializer<>()
        {
            public SerializerFingerprint fingerprint()
            {
                return new SerializerFingerprint("test.custom", 1, Serializer.VARIABLE_SIZE);
            }

            public int fixedSize()
            {
                return VARIABLE_SIZE;
            }

            public int sizeOf(final String value)
            {
                return value.length();
            }

            public void write(final String value, final MutableDirectBuffer buffer, final int offset)
            {
                buffer.putStringWithoutLengthAscii(offset, value);
            }

            public String read(final DirectBuffer buffer, final int offset, final int length)
            {
                return buffer.getStringWithoutLengthAscii(offset, length);
            }
        };
        assertFalse(custom.isWord());
        assertThrows(UnsupportedOperationException.class, () -> custom.toWord("x"));
        assertThrows(UnsupportedOperationException.class, () -> custom.fromWord(1L));
        for (final Serializer<?> other : List.of(Serializers.strings(), Serializers.byteArrays(), Serializers.shorts()))
        {
            assertFalse(other.isWord(), other.toString());
        }
    }

    /**
     * For edge values and 10,000 random ones: the word is what the serialized bytes, zero-padded to 8, read
     * as in the platform's order, and decoding the word gives the value back.
     */
    private static <T> void check(final Serializer<T> serializer, final LongFunction<T> fromBits)
    {
        assertTrue(serializer.isWord(), serializer.toString());
        final long[] edges = { 0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xFFL << 56 };
        for (int i = 0; i < edges.length + 10_000; i++)
        {
            final T value = fromBits.apply(i < edges.length ? edges[i] : RANDOM.nextLong());
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[Long.BYTES]);
            serializer.write(value, bytes, 0);
            final long word = serializer.toWord(value);
            assertEquals(bytes.getLong(0, ByteOrder.nativeOrder()), word, () -> serializer + " " + value);
            assertEquals(value, serializer.fromWord(word), () -> serializer + " " + value);
            assertEquals(value, serializer.read(bytes, 0, serializer.fixedSize()));
        }
    }
}
