package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;

/**
 * {@code ByteBuffer}: the bytes between the buffer's position and limit, no length prefix. Writing does
 * not move the source's position.
 *
 * <p>Reads can reuse a caller's buffer: when {@code reuse} is writable and its capacity holds the value,
 * it is cleared, filled from index 0 and its limit set to the value's length; otherwise a new heap buffer
 * is returned. Either way the result has position 0 and limit equal to the value's length.
 */
final class ByteBufferSerializer implements Serializer<ByteBuffer>
{
    static final ByteBufferSerializer INSTANCE = new ByteBufferSerializer();
    private static final SerializerFingerprint FINGERPRINT =
        new SerializerFingerprint("lockmap.byte-buffer", 1, VARIABLE_SIZE);

    public SerializerFingerprint fingerprint()
    {
        return FINGERPRINT;
    }

    public int fixedSize()
    {
        return VARIABLE_SIZE;
    }

    public int sizeOf(final ByteBuffer value)
    {
        return value.remaining();
    }

    public void write(final ByteBuffer value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putBytes(offset, value, value.position(), value.remaining());
    }

    public ByteBuffer read(final DirectBuffer buffer, final int offset, final int length)
    {
        return read(buffer, offset, length, null);
    }

    public ByteBuffer read(final DirectBuffer buffer, final int offset, final int length, final ByteBuffer reuse)
    {
        Checks.range(this, buffer, offset, length);
        final ByteBuffer target =
            reuse != null && !reuse.isReadOnly() && reuse.capacity() >= length ? reuse : ByteBuffer.allocate(length);
        target.clear();
        buffer.getBytes(offset, target, 0, length);
        target.limit(length);
        return target;
    }

    public boolean supportsReuse()
    {
        return true;
    }

    public String toString()
    {
        return FINGERPRINT.toString();
    }
}
