package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * {@code String}: strict UTF-8, no length prefix (the map stores the length).
 *
 * <p>ASCII strings, the common case for keys, take a fast path both ways: one scan and a tight copy on
 * write, one copy and one scan on read. Other strings are encoded straight into the destination buffer,
 * without an intermediate {@code byte[]}, and decoded (and validated) in one pass. A read copies the stored
 * bytes into a per-thread scratch array and decodes non-ASCII text into another (see {@link Scratch}), so it
 * allocates only the string itself.
 *
 * <p>A string with an unpaired surrogate cannot be written (UTF-8 has no form for it: the JDK's encoder
 * would write {@code '?'} and so merge two different keys); stored bytes that are not well-formed UTF-8
 * cannot be read. Both are a {@link SerializationException}.
 */
final class StringSerializer implements Serializer<String>
{
    static final StringSerializer INSTANCE = new StringSerializer();
    private static final SerializerFingerprint FINGERPRINT =
        new SerializerFingerprint("lockmap.string.utf8", 1, VARIABLE_SIZE);

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return VARIABLE_SIZE;
    }

    public int sizeOf(final String value)
    {
        final int asciiPrefix = asciiPrefix(value);
        return asciiPrefix == value.length() ? asciiPrefix : Utf8.encodedLength(this, value, asciiPrefix);
    }

    public void write(final String value, final MutableDirectBuffer buffer, final int offset)
    {
        final int asciiPrefix = asciiPrefix(value);
        if (asciiPrefix == value.length())
        {
            // One bounds check, then a plain loop: every char is < 0x80, so none is replaced by '?'.
            buffer.putStringWithoutLengthAscii(offset, value);
        }
        else
        {
            Utf8.encode(this, value, 0, buffer, offset);
        }
    }

    public String read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.range(this, buffer, offset, length);
        if (length == 0)
        {
            return "";
        }
        final byte[] bytes = Scratch.bytes(length);
        buffer.getBytes(offset, bytes, 0, length);
        final int firstNonAscii = Utf8.firstNonAscii(bytes, 0, length);
        if (firstNonAscii == length)
        {
            // ISO-8859-1 is a plain copy into a compact (LATIN1) string, with no decoding.
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        // Decoding into a scratch char[] leaves the String constructor one allocation, its own value array;
        // new String(bytes, UTF_8) would allocate two more arrays and not report malformed input.
        final char[] chars = Scratch.chars(length);
        return new String(chars, 0, Utf8.decode(this, bytes, firstNonAscii, length, chars));
    }

    private static int asciiPrefix(final String value)
    {
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            if (value.charAt(i) >= 0x80)
            {
                return i;
            }
        }
        return length;
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
