package org.lockmap.serialization;

import org.lockmap.serialization.TestTypes.Colour;
import org.lockmap.serialization.TestTypes.FixedNested;
import org.lockmap.serialization.TestTypes.Nested;
import org.lockmap.serialization.TestTypes.Point;
import org.lockmap.serialization.TestTypes.Trade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The generators shared by the property tests. Each mixes its edge cases into its random values (one in
 * {@link #EDGE_CASE_ONE_IN}), so that composite values such as records meet them too.
 */
final class Generators
{
    static final int EDGE_CASE_ONE_IN = 8;

    private Generators()
    {
    }

    /**
     * @param edgeCases values checked every time, and mixed into the random ones.
     * @param random    makes the other values.
     * @param <T>       the type of the values.
     * @return a generator that returns an edge case one time in {@link #EDGE_CASE_ONE_IN}.
     */
    static <T> Generator<T> withEdgeCases(final List<T> edgeCases, final Generator<T> random)
    {
        return new Generator<>()
        {
            @Override
            public T next(final SplittableRandom r)
            {
                return r.nextInt(EDGE_CASE_ONE_IN) == 0 ? edgeCases.get(r.nextInt(edgeCases.size())) : random.next(r);
            }

            @Override
            public List<T> edgeCases()
            {
                return edgeCases;
            }
        };
    }

    /**
     * @param all every value there is.
     * @param <T> the type of the values.
     * @return a generator that picks among them, and whose edge cases are all of them.
     */
    static <T> Generator<T> exhaustive(final List<T> all)
    {
        return new Generator<>()
        {
            @Override
            public T next(final SplittableRandom r)
            {
                return all.get(r.nextInt(all.size()));
            }

            @Override
            public List<T> edgeCases()
            {
                return all;
            }

            @Override
            public boolean exhaustive()
            {
                return true;
            }
        };
    }

    /**
     * Every magnitude: a random long shifted right by 0 to 63 bits, so small values are as likely as big ones.
     */
    static Generator<Long> longs()
    {
        return withEdgeCases(
            List.of(0L, 1L, -1L, 2L, -2L, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1),
            r -> r.nextLong() >> r.nextInt(64));
    }

    static Generator<Integer> ints()
    {
        return withEdgeCases(
            List.of(0, 1, -1, 2, -2, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE,
                Integer.MAX_VALUE - 1),
            r -> r.nextInt() >> r.nextInt(32));
    }

    static Generator<Short> shorts()
    {
        return withEdgeCases(
            List.of((short)0, (short)1, (short)-1, Short.MIN_VALUE, (short)(Short.MIN_VALUE + 1), Short.MAX_VALUE),
            r -> (short)r.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1));
    }

    /**
     * All 256 bytes.
     */
    static Generator<Byte> bytes()
    {
        final List<Byte> all = new ArrayList<>(256);
        for (int b = Byte.MIN_VALUE; b <= Byte.MAX_VALUE; b++)
        {
            all.add((byte)b);
        }
        return exhaustive(List.copyOf(all));
    }

    /**
     * Any char, lone surrogates included: a char is stored as two bytes, not as UTF-8.
     */
    static Generator<Character> chars()
    {
        return withEdgeCases(
            List.of('\u0000', 'a', '\u007F', '\u0080', '\u00FF', '\u07FF', '\u0800', '\uD800', '\uDBFF', '\uDC00',
                '\uDFFF', '\uFFFE', '\uFFFF'),
            r -> (char)r.nextInt(Character.MAX_VALUE + 1));
    }

    static Generator<Boolean> booleans()
    {
        return exhaustive(List.of(false, true));
    }

    static <E extends Enum<E>> Generator<E> enums(final Class<E> type)
    {
        return exhaustive(List.of(type.getEnumConstants()));
    }

    /**
     * Ordinary doubles of every magnitude, any bit pattern (NaN payloads included), and the special values.
     */
    static Generator<Double> doubles()
    {
        return withEdgeCases(
            List.of(Double.NaN, -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
                -Double.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.0, -1.0,
                Double.longBitsToDouble(0xfff8_0000_0000_0001L), Double.longBitsToDouble(0x7ff0_0000_0000_0001L)),
            r -> r.nextBoolean() ?
                Math.scalb(r.nextDouble(-1.0, 1.0), r.nextInt(Double.MIN_EXPONENT - 52, Double.MAX_EXPONENT + 1)) :
                Double.longBitsToDouble(r.nextLong()));
    }

    static Generator<Float> floats()
    {
        return withEdgeCases(
            List.of(Float.NaN, -0.0f, 0.0f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1.0f, Float.intBitsToFloat(0xffc0_0001),
                Float.intBitsToFloat(0x7f80_0001)),
            r -> r.nextBoolean() ?
                Math.scalb((float)r.nextDouble(-1.0, 1.0), r.nextInt(Float.MIN_EXPONENT - 23, Float.MAX_EXPONENT + 1)) :
                Float.intBitsToFloat(r.nextInt()));
    }

    /**
     * Well-formed strings: three in seven ASCII (the fast path, up to 64 chars), three in seven any code
     * points (up to 32, of every UTF-8 length, surrogate pairs included, lone surrogates excluded), and one
     * in seven a hand-picked {@link Strings#EDGE_CASES edge case}.
     */
    static Generator<String> strings()
    {
        final List<String> edgeCases = List.of(Strings.EDGE_CASES);
        return new Generator<>()
        {
            @Override
            public String next(final SplittableRandom r)
            {
                final int pick = r.nextInt(7);
                if (pick < 3)
                {
                    final char[] chars = new char[smallSize(r, 64)];
                    for (int i = 0; i < chars.length; i++)
                    {
                        chars[i] = (char)r.nextInt(0x80);
                    }
                    return new String(chars);
                }
                if (pick < 6)
                {
                    final StringBuilder sb = new StringBuilder();
                    for (int i = smallSize(r, 32); i > 0; i--)
                    {
                        sb.appendCodePoint(codePoint(r));
                    }
                    return sb.toString();
                }
                return edgeCases.get(r.nextInt(edgeCases.size()));
            }

            @Override
            public List<String> edgeCases()
            {
                return edgeCases;
            }
        };
    }

    /**
     * A code point that is not a surrogate, its UTF-8 length (1 to 4 bytes) picked first, with the bounds of
     * each length now and then.
     */
    static int codePoint(final SplittableRandom r)
    {
        return switch (r.nextInt(5))
        {
            case 0 -> r.nextInt(0x80);
            case 1 -> r.nextInt(0x80, 0x800);
            case 2 ->
            {
                final int cp = r.nextInt(0x800, 0x10000 - (Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1));
                yield cp < Character.MIN_SURROGATE ? cp : cp + (Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1);
            }
            case 3 -> r.nextInt(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT + 1);
            default ->
            {
                final int[] bounds = { 0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF };
                yield bounds[r.nextInt(bounds.length)];
            }
        };
    }

    /**
     * Arrays up to 255 bytes, mostly short; the empty array is an edge case.
     */
    static Generator<byte[]> byteArrays()
    {
        return byteArrays(255);
    }

    static Generator<byte[]> byteArrays(final int maxLength)
    {
        final byte[] ones = new byte[Math.min(12, maxLength)];
        Arrays.fill(ones, (byte)-1);
        return withEdgeCases(
            List.of(new byte[0], new byte[]{ 0 }, new byte[]{ -1 }, new byte[ones.length], ones),
            r ->
            {
                final byte[] bytes = new byte[smallSize(r, maxLength)];
                r.nextBytes(bytes);
                return bytes;
            });
    }

    /**
     * @return 0 to {@code max}, half the time at most 16.
     */
    static int smallSize(final SplittableRandom r, final int max)
    {
        return r.nextInt(r.nextBoolean() ? Math.min(16, max) + 1 : max + 1);
    }

    /**
     * 0 to 5.
     */
    static Generator<Integer> smallInts()
    {
        return withEdgeCases(List.of(0, 5), r -> r.nextInt(6));
    }

    static Generator<UUID> uuids()
    {
        final Generator<Long> longs = longs();
        return withEdgeCases(
            List.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, Long.MAX_VALUE)),
            r -> new UUID(longs.next(r), longs.next(r)));
    }

    /**
     * Any instant from {@link Instant#MIN} to {@link Instant#MAX}, half of them within a few centuries of
     * the epoch, where the seconds can be negative with a positive nanosecond part.
     */
    static Generator<Instant> instants()
    {
        return withEdgeCases(
            List.of(Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999),
                Instant.ofEpochSecond(0, 1)),
            r -> Instant.ofEpochSecond(
                r.nextBoolean() ?
                    r.nextLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond() + 1) :
                    r.nextLong(-(1L << 34), 1L << 34),
                r.nextInt(1_000_000_000)));
    }

    static Generator<Point> points()
    {
        final Generator<Integer> ints = ints();
        return r -> new Point(ints.next(r), ints.next(r));
    }

    static Generator<FixedNested> fixedNested()
    {
        final Generator<Point> points = points();
        final Generator<UUID> uuids = uuids();
        final Generator<Instant> instants = instants();
        final Generator<Colour> colours = enums(Colour.class);
        return r -> new FixedNested(points.next(r), points.next(r), uuids.next(r), instants.next(r), colours.next(r));
    }

    static Generator<Trade> trades()
    {
        final Generator<Long> longs = longs();
        final Generator<String> strings = strings();
        final Generator<Integer> ints = ints();
        final Generator<Double> doubles = doubles();
        final Generator<Colour> colours = enums(Colour.class);
        final Generator<UUID> uuids = uuids();
        final Generator<Instant> instants = instants();
        return r -> new Trade(
            longs.next(r), strings.next(r), ints.next(r), doubles.next(r), colours.next(r), uuids.next(r),
            instants.next(r));
    }

    static Generator<Nested> nested()
    {
        final Generator<Point> points = points();
        final Generator<Trade> trades = trades();
        final Generator<String> strings = strings();
        return r -> new Nested(points.next(r), trades.next(r), strings.next(r));
    }
}
