package org.lockmap.serialization;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.time.Instant;

/**
 * Generators shared by the property tests.
 */
final class Strings
{
    static final String[] EDGE_CASES = {
        "",
        "a",
        "\u0000",
        "\u007F",
        "\u0080",
        "\u07FF",
        "\u0800",
        "\uFFFF",
        "caf\u00E9",
        "\u20AC100",
        "\uD83D\uDE00",
        "\uD800\uDC00",
        "\uDBFF\uDFFF",
        "ascii then \uD83D\uDE80 rocket",
        "\u65E5\u672C\u8A9E",
    };

    private Strings()
    {
    }

    static Arbitrary<String> valid()
    {
        final Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(64);
        final Arbitrary<String> codePoints = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
            .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
            .list().ofMaxSize(32)
            .map(list ->
            {
                final StringBuilder builder = new StringBuilder();
                list.forEach(builder::appendCodePoint);
                return builder.toString();
            });
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, ascii),
            net.jqwik.api.Tuple.of(3, codePoints),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(EDGE_CASES)));
    }

    static Arbitrary<Instant> instants()
    {
        return Arbitraries.oneOf(
            Combinators.combine(
                    Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                    Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond),
            Arbitraries.of(Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999)));
    }
}
