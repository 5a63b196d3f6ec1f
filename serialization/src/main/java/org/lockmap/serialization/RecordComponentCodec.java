package org.lockmap.serialization;

import org.agrona.MutableDirectBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;

/**
 * One component of a record as {@link RecordSerializer} sees it: its name, its serializer and a method
 * handle on its accessor, resolved once. A primitive component is read through an exactly typed handle and
 * written straight into the buffer, so writing a record of primitives does not box.
 */
abstract sealed class RecordComponentCodec permits RecordComponentCodec.Primitive, RecordComponentCodec.Reference
{
    final String name;
    final Class<?> type;
    final Serializer<Object> serializer;
    final int fixedSize;

    /**
     * Whether the stored bytes carry a length prefix: true for a variable-size component followed by
     * another variable-size one. The last variable-size component needs none, as its length follows from
     * the record's length.
     */
    boolean prefixed;

    /**
     * The total size of the fixed-size components after this one, when all of them are fixed.
     */
    int fixedAfter;

    @SuppressWarnings("unchecked")
    RecordComponentCodec(final String name, final Class<?> type, final Serializer<?> serializer)
    {
        this.name = name;
        this.type = type;
        this.serializer = (Serializer<Object>)serializer;
        this.fixedSize = serializer.fixedSize();
    }

    static RecordComponentCodec of(
        final String name, final Class<?> type, final Serializer<?> serializer, final MethodHandle accessor)
    {
        return type.isPrimitive() ?
            new Primitive(name, type, serializer, accessor) :
            new Reference(name, type, serializer, accessor);
    }

    /**
     * The component's value, boxed if primitive.
     */
    abstract Object value(Record record);

    static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException ex)
        {
            return ex;
        }
        if (t instanceof Error error)
        {
            throw error;
        }
        return new UndeclaredThrowableException(t);
    }

    /**
     * A primitive component: always fixed-size, never null.
     */
    static final class Primitive extends RecordComponentCodec
    {
        private static final int LONG = 0;
        private static final int INT = 1;
        private static final int SHORT = 2;
        private static final int BYTE = 3;
        private static final int CHAR = 4;
        private static final int BOOLEAN = 5;
        private static final int DOUBLE = 6;
        private static final int FLOAT = 7;

        private final int kind;
        private final MethodHandle exact;
        private final MethodHandle boxed;

        Primitive(final String name, final Class<?> type, final Serializer<?> serializer, final MethodHandle accessor)
        {
            super(name, type, serializer);
            kind = type == long.class ? LONG : type == int.class ? INT : type == short.class ? SHORT :
                type == byte.class ? BYTE : type == char.class ? CHAR : type == boolean.class ? BOOLEAN :
                type == double.class ? DOUBLE : FLOAT;
            exact = accessor.asType(MethodType.methodType(type, Record.class));
            boxed = accessor.asType(MethodType.methodType(Object.class, Record.class));
        }

        Object value(final Record record)
        {
            try
            {
                return (Object)boxed.invokeExact(record);
            }
            catch (final Throwable t)
            {
                throw rethrow(t);
            }
        }

        /**
         * Writes the component in its serializer's format without boxing it.
         */
        void write(final Record record, final MutableDirectBuffer buffer, final int offset)
        {
            try
            {
                switch (kind)
                {
                    case LONG -> LongSerializer.put(buffer, offset, (long)exact.invokeExact(record));
                    case INT -> IntSerializer.put(buffer, offset, (int)exact.invokeExact(record));
                    case SHORT -> ShortSerializer.put(buffer, offset, (short)exact.invokeExact(record));
                    case BYTE -> ByteSerializer.put(buffer, offset, (byte)exact.invokeExact(record));
                    case CHAR -> CharSerializer.put(buffer, offset, (char)exact.invokeExact(record));
                    case BOOLEAN -> BooleanSerializer.put(buffer, offset, (boolean)exact.invokeExact(record));
                    case DOUBLE -> DoubleSerializer.put(buffer, offset, (double)exact.invokeExact(record));
                    default -> FloatSerializer.put(buffer, offset, (float)exact.invokeExact(record));
                }
            }
            catch (final Throwable t)
            {
                throw rethrow(t);
            }
        }
    }

    /**
     * A component of a reference type: boxed primitives, strings, arrays, enums, nested records and so on.
     */
    static final class Reference extends RecordComponentCodec
    {
        private final MethodHandle accessor;

        Reference(final String name, final Class<?> type, final Serializer<?> serializer, final MethodHandle accessor)
        {
            super(name, type, serializer);
            this.accessor = accessor.asType(MethodType.methodType(Object.class, Record.class));
        }

        Object value(final Record record)
        {
            try
            {
                return (Object)accessor.invokeExact(record);
            }
            catch (final Throwable t)
            {
                throw rethrow(t);
            }
        }
    }
}
