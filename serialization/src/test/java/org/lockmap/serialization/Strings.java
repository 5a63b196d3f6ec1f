package org.lockmap.serialization;

/**
 * Hand-picked strings: UTF-8 length boundaries, surrogate pairs, the empty string. {@link Generators#strings()}
 * checks them every time and mixes them into its random strings.
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
}
