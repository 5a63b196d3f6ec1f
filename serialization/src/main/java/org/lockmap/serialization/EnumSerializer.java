package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * An enum, stored as its ordinal in the fewest of 1, 2 or 4 bytes (little-endian) that hold every ordinal.
 *
 * <p>The fingerprint lists the enum's class name and its constants in ordinal order, so reordering,
 * renaming, adding or removing a constant gives a new fingerprint, and a file written before the change
 * is refused rather than read with shifted meanings. A stored ordinal with no constant is an error.
 *
 * @param <E> the enum type.
 */
final class EnumSerializer<E extends Enum<E>> implements Serializer<E>
{
    private final E[] constants;
    private final int size;
    private final SerializerFingerprint fingerprint;

    EnumSerializer(final Class<E> type)
    {
        Objects.requireNonNull(type, "type");
        if (!type.isEnum())
        {
            throw new IllegalArgumentException(type.getName() + " is not an enum class" +
                (type.getSuperclass() != null && type.getSuperclass().isEnum() ?
                " (it is the body of a constant: pass " + type.getSuperclass().getName() + ".class)" : ""));
        }
        constants = type.getEnumConstants();
        size = sizeFor(constants.length);
        final String[] names = new String[constants.length];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = constants[i].name();
        }
        fingerprint = fingerprint(type.getName(), names);
    }

    static int sizeFor(final int constantCount)
    {
        if (constantCount <= 1 << Byte.SIZE)
        {
            return Byte.BYTES;
        }
        return constantCount <= 1 << Short.SIZE ? Short.BYTES : Integer.BYTES;
    }

    /**
     * The fingerprint of an enum with these constant names in ordinal order.
     *
     * @param className the enum's binary class name.
     * @param names     the constants' names in ordinal order.
     * @return the fingerprint.
     */
    static SerializerFingerprint fingerprint(final String className, final String[] names)
    {
        return new SerializerFingerprint(
            "lockmap.enum:" + className + "[" + String.join(",", names) + "]", 1, sizeFor(names.length));
    }

    public SerializerFingerprint fingerprint()
    {
        return fingerprint;
    }

    public int fixedSize()
    {
        return size;
    }

    public int sizeOf(final E value)
    {
        return size;
    }

    public void write(final E value, final MutableDirectBuffer buffer, final int offset)
    {
        final int ordinal = value.ordinal();
        switch (size)
        {
            case Byte.BYTES -> buffer.putByte(offset, (byte)ordinal);
            case Short.BYTES -> buffer.putShort(offset, (short)ordinal, ByteOrder.LITTLE_ENDIAN);
            default -> buffer.putInt(offset, ordinal, ByteOrder.LITTLE_ENDIAN);
        }
    }

    public E read(final DirectBuffer buffer, final int offset, final int length)
    {
        Checks.fixed(this, buffer, offset, length, size);
        final int ordinal = switch (size)
        {
            case Byte.BYTES -> buffer.getByte(offset) & 0xFF;
            case Short.BYTES -> buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            default -> buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        };
        if (ordinal < 0 || ordinal >= constants.length)
        {
            throw Checks.fail(this, "unknown ordinal " + Integer.toUnsignedString(ordinal) + ": the enum has " +
                constants.length + " constants");
        }
        return constants[ordinal];
    }

    public String toString()
    {
        return fingerprint.toString();
    }
}
