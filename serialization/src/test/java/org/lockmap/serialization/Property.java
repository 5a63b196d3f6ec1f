package org.lockmap.serialization;

import java.lang.reflect.RecordComponent;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a property over a generator's edge cases, then over random values, each made from its own seed:
 * {@link #BASE_SEED} plus the try's index. A failure names the value and the seed, and
 * {@code -Dlockmap.property.seed=<seed>} makes that seed the first try of the next run. There is no
 * shrinking: the generators favour small values instead.
 */
final class Property
{
    /**
     * Fixed, so that every build checks the same values; {@code -Dlockmap.property.seed} to explore others.
     */
    static final long BASE_SEED = Long.getLong("lockmap.property.seed", 0x10C4_3A95_EED5_0001L);

    /**
     * Random tries per property unless a test says otherwise; {@code -Dlockmap.property.tries} to change.
     */
    static final int TRIES = Integer.getInteger("lockmap.property.tries", 1000);

    private Property()
    {
    }

    /**
     * {@link #forAll(int, Generator, Consumer)} with {@link #TRIES} random tries.
     */
    static <T> void forAll(final Generator<T> generator, final Consumer<? super T> property)
    {
        forAll(TRIES, generator, property);
    }

    /**
     * Checks {@code property} for every edge case of {@code generator}, then, unless the edge cases are all
     * its values, for {@code tries} random values, the i-th made from {@code new SplittableRandom(BASE_SEED + i)}.
     *
     * @param tries     how many random values.
     * @param generator makes the values.
     * @param property  throws an {@link AssertionError}, or any unchecked exception or error, when a value breaks it.
     * @param <T>       the type of the values.
     * @throws AssertionError naming the value and its seed, the property's failure as its cause.
     */
    static <T> void forAll(final int tries, final Generator<T> generator, final Consumer<? super T> property)
    {
        final List<T> edgeCases = generator.edgeCases();
        for (int i = 0; i < edgeCases.size(); i++)
        {
            check(property, edgeCases.get(i), "edge case " + i);
        }
        if (generator.exhaustive())
        {
            return;
        }
        for (int i = 0; i < tries; i++)
        {
            final long seed = BASE_SEED + i;
            final T value = generator.next(new SplittableRandom(seed));
            check(property, value, "try " + i + ", seed " + seed + " (-Dlockmap.property.seed=" + seed +
                " makes it the first try)");
        }
    }

    private static <T> void check(final Consumer<? super T> property, final T value, final String which)
    {
        try
        {
            property.accept(value);
        }
        catch (final RuntimeException | Error ex)
        {
            // Errors too: an AssertionError, but also a StackOverflowError or an OutOfMemoryError from a bad length.
            throw new AssertionError("property failed at " + which + " for " + describe(value) + ": " + ex, ex);
        }
    }

    /**
     * @param value a generated value.
     * @return it spelled out so that it can be typed back in: strings escaped, arrays' contents, the bits
     * of doubles and floats, records component by component.
     */
    static String describe(final Object value)
    {
        return switch (value)
        {
            case null -> "null";
            case String s -> quote(s);
            case Character c -> "(char)0x" + Integer.toHexString(c);
            case byte[] bytes -> "bytes[" + bytes.length + "] 0x" + HexFormat.of().formatHex(bytes);
            case Double d -> d + " (bits 0x" + Long.toHexString(Double.doubleToRawLongBits(d)) + ")";
            case Float f -> f + "f (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + ")";
            case Record r -> describeRecord(r);
            default -> String.valueOf(value);
        };
    }

    private static String describeRecord(final Record value)
    {
        final StringBuilder sb = new StringBuilder(value.getClass().getSimpleName()).append('[');
        final RecordComponent[] components = value.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=');
            try
            {
                sb.append(describe(components[i].getAccessor().invoke(value)));
            }
            catch (final ReflectiveOperationException ex)
            {
                sb.append('?').append(ex);
            }
        }
        return sb.append(']').toString();
    }

    private static String quote(final String value)
    {
        final StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            {
                sb.append(c);
            }
            else
            {
                sb.append(String.format("\\u%04X", (int)c));
            }
        }
        return sb.append('"').toString();
    }
}
