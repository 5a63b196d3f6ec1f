package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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
        final int length = value.length();
        int size = length;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x80)
            {
                return utf8Length(value);
            }
        }
        return size;
    }

    private static int utf8Length(final String value)
    {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    public void write(final String value, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x80)
            {
                final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                buffer.putBytes(offset, bytes);
                return;
            }
            buffer.putByte(offset + i, (byte)c);
        }
    }

    public String read(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new SerializationException(FINGERPRINT + ": stored bytes are not valid UTF-8", ex);
        }
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
