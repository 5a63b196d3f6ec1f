package org.lockmap.serialization;

import org.agrona.MutableDirectBuffer;

/**
 * Strict UTF-8 (RFC 3629) for {@link StringSerializer}: length, encoding straight into a buffer, and
 * validating decoding. Unlike {@link String#getBytes(java.nio.charset.Charset)}, an unpaired surrogate is an error
 * rather than a silent {@code '?'}, so two different strings never become the same key; and unlike
 * {@code new String(bytes, UTF_8)}, malformed input is an error rather than a silent U+FFFD.
 */
final class Utf8
{
    private Utf8()
    {
    }

    /**
     * The UTF-8 length of {@code value}, whose first {@code asciiPrefix} chars are known to be ASCII.
     */
    static int encodedLength(final Serializer<?> serializer, final String value, final int asciiPrefix)
    {
        final int length = value.length();
        long size = asciiPrefix;
        for (int i = asciiPrefix; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                size += 1;
            }
            else if (c < 0x800)
            {
                size += 2;
            }
            else if (Character.isSurrogate(c))
            {
                checkPair(serializer, value, i);
                size += 4;
                i++;
            }
            else
            {
                size += 3;
            }
        }
        if (size > Integer.MAX_VALUE)
        {
            throw Checks.fail(serializer, "the UTF-8 form of a string of " + length + " chars exceeds 2 GiB");
        }
        return (int)size;
    }

    /**
     * Encodes {@code value} from char {@code from} on, starting at {@code offset}.
     *
     * @return the offset after the last byte written.
     */
    static int encode(
        final Serializer<?> serializer,
        final String value,
        final int from,
        final MutableDirectBuffer buffer,
        final int offset)
    {
        final int length = value.length();
        int index = offset;
        for (int i = from; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(index++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(index++, (byte)(0xC0 | (c >>> 6)));
                buffer.putByte(index++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                checkPair(serializer, value, i);
                final int codePoint = Character.toCodePoint(c, value.charAt(++i));
                buffer.putByte(index++, (byte)(0xF0 | (codePoint >>> 18)));
                buffer.putByte(index++, (byte)(0x80 | ((codePoint >>> 12) & 0x3F)));
                buffer.putByte(index++, (byte)(0x80 | ((codePoint >>> 6) & 0x3F)));
                buffer.putByte(index++, (byte)(0x80 | (codePoint & 0x3F)));
            }
            else
            {
                buffer.putByte(index++, (byte)(0xE0 | (c >>> 12)));
                buffer.putByte(index++, (byte)(0x80 | ((c >>> 6) & 0x3F)));
                buffer.putByte(index++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return index;
    }

    private static void checkPair(final Serializer<?> serializer, final String value, final int index)
    {
        if (!Character.isHighSurrogate(value.charAt(index)) ||
            index + 1 >= value.length() ||
            !Character.isLowSurrogate(value.charAt(index + 1)))
        {
            throw Checks.fail(serializer, "the string has an unpaired surrogate U+" +
                Integer.toHexString(value.charAt(index)).toUpperCase() + " at index " + index +
                ", which UTF-8 cannot encode");
        }
    }

    /**
     * The index of the first byte in {@code [from, to)} that is not ASCII, or {@code to}.
     */
    static int firstNonAscii(final byte[] bytes, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (bytes[i] < 0)
            {
                return i;
            }
        }
        return to;
    }

    /**
     * Decodes {@code bytes[0, to)} into {@code chars}, whose first {@code asciiPrefix} bytes are known to be
     * ASCII, and throws unless the bytes are well-formed UTF-8: no overlong forms, no encoded surrogates,
     * nothing above U+10FFFF, no truncated sequence. {@code chars} needs room for {@code to} chars (a UTF-8
     * string never has more UTF-16 units than bytes).
     *
     * @return the number of chars decoded.
     */
    static int decode(
        final Serializer<?> serializer, final byte[] bytes, final int asciiPrefix, final int to, final char[] chars)
    {
        for (int i = 0; i < asciiPrefix; i++)
        {
            chars[i] = (char)bytes[i];
        }
        int count = asciiPrefix;
        int i = asciiPrefix;
        while (i < to)
        {
            final int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80)
            {
                chars[count++] = (char)b0;
                i++;
                continue;
            }

            final int sequenceLength;
            int min2 = 0x80;
            int max2 = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF)
            {
                sequenceLength = 2;
            }
            else if (b0 >= 0xE0 && b0 <= 0xEF)
            {
                sequenceLength = 3;
                if (b0 == 0xE0)
                {
                    min2 = 0xA0; // shorter forms are overlong
                }
                else if (b0 == 0xED)
                {
                    max2 = 0x9F; // U+D800..U+DFFF are surrogates
                }
            }
            else if (b0 >= 0xF0 && b0 <= 0xF4)
            {
                sequenceLength = 4;
                if (b0 == 0xF0)
                {
                    min2 = 0x90; // shorter forms are overlong
                }
                else if (b0 == 0xF4)
                {
                    max2 = 0x8F; // above U+10FFFF
                }
            }
            else
            {
                throw invalid(serializer, i, "byte 0x" + Integer.toHexString(b0) + " cannot start a character");
            }

            if (i + sequenceLength > to)
            {
                throw invalid(serializer, i, "the last character is truncated");
            }
            final int b1 = bytes[i + 1] & 0xFF;
            if (b1 < min2 || b1 > max2)
            {
                throw invalid(serializer, i, "byte 0x" + Integer.toHexString(b1) + " after 0x" +
                    Integer.toHexString(b0) + " is not a valid continuation");
            }
            // The lead byte keeps 7 - sequenceLength payload bits: 5 for 2 bytes, 4 for 3, 3 for 4.
            int codePoint = (b0 & (0xFF >>> (sequenceLength + 1))) << 6 | (b1 & 0x3F);
            for (int k = 2; k < sequenceLength; k++)
            {
                final int b = bytes[i + k] & 0xFF;
                if ((b & 0xC0) != 0x80)
                {
                    throw invalid(serializer, i, "byte 0x" + Integer.toHexString(b) + " is not a continuation");
                }
                codePoint = codePoint << 6 | (b & 0x3F);
            }
            if (sequenceLength == 4)
            {
                chars[count++] = Character.highSurrogate(codePoint);
                chars[count++] = Character.lowSurrogate(codePoint);
            }
            else
            {
                chars[count++] = (char)codePoint;
            }
            i += sequenceLength;
        }
        return count;
    }

    private static SerializationException invalid(final Serializer<?> serializer, final int at, final String why)
    {
        return Checks.fail(serializer, "stored bytes are not valid UTF-8 at byte " + at + ": " + why);
    }
}
