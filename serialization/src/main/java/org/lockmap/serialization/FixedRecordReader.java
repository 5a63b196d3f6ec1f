package org.lockmap.serialization;

import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Builds, once per fixed-size record type, one method handle {@code (DirectBuffer, int offset) -> Object}
 * that reads every component at its constant offset and calls the canonical constructor with them:
 * primitives go from the buffer to the constructor without boxing and without an argument array.
 *
 * <pre>
 *   record Fill(long id, int qty, double px)      offsets 0, 8, 12
 *
 *   (buffer, offset) -> new Fill(
 *       LongSerializer.get(buffer, offset + 0),
 *       IntSerializer.get(buffer, offset + 8),
 *       DoubleSerializer.get(buffer, offset + 12))
 * </pre>
 *
 * A component that does not decode throws a {@link SerializationException} naming the record serializer
 * and the component. The handle is invoked from a non-constant call site; after a few hundred calls the JVM
 * customizes its lambda form for this instance, which inlines the whole tree.
 */
final class FixedRecordReader
{
    private static final MethodType READER = MethodType.methodType(Object.class, DirectBuffer.class, int.class);
    private static final MethodHandle ADD;
    private static final MethodHandle SERIALIZER_READ;
    private static final MethodHandle COMPONENT_FAILED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            ADD = lookup.findStatic(
                FixedRecordReader.class, "add", MethodType.methodType(int.class, int.class, int.class));
            SERIALIZER_READ = lookup.findVirtual(Serializer.class, "read",
                MethodType.methodType(Object.class, DirectBuffer.class, int.class, int.class));
            COMPONENT_FAILED = lookup.findStatic(FixedRecordReader.class, "componentFailed", MethodType.methodType(
                Object.class, Serializer.class, String.class, SerializationException.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private FixedRecordReader()
    {
    }

    /**
     * @param owner       the record serializer, named by failures.
     * @param components  the record's components, all fixed-size, in declaration order.
     * @param constructor the canonical constructor, of type {@code (T1, ..., Tn) -> R}.
     * @return a handle of type {@code (DirectBuffer, int) -> Object}.
     */
    static MethodHandle build(
        final Serializer<?> owner, final RecordComponentCodec[] components, final MethodHandle constructor)
    {
        MethodHandle tree = constructor;
        int offset = 0;
        final int[] offsets = new int[components.length];
        for (int i = 0; i < components.length; i++)
        {
            offsets[i] = offset;
            offset += components[i].fixedSize;
        }
        // Replace each parameter, last first so that earlier indices stay put, by (DirectBuffer, int).
        for (int i = components.length - 1; i >= 0; i--)
        {
            tree = MethodHandles.collectArguments(tree, i, componentReader(owner, components[i], offsets[i]));
        }
        // (buffer, offset, buffer, offset, ...) -> R  becomes  (buffer, offset) -> R
        final int[] reorder = new int[2 * components.length];
        for (int i = 0; i < reorder.length; i++)
        {
            reorder[i] = i & 1;
        }
        final MethodType type = MethodType.methodType(tree.type().returnType(), DirectBuffer.class, int.class);
        tree = components.length == 0 ?
            MethodHandles.dropArguments(tree, 0, DirectBuffer.class, int.class) :
            MethodHandles.permuteArguments(tree, type, reorder);
        return tree.asType(READER);
    }

    /**
     * {@code (DirectBuffer, int offset) -> T} reading one component at {@code offset + componentOffset}.
     */
    private static MethodHandle componentReader(
        final Serializer<?> owner, final RecordComponentCodec component, final int componentOffset)
    {
        final Class<?> type = component.type;
        MethodHandle reader;
        if (type.isPrimitive())
        {
            reader = primitiveGetter(type);
        }
        else
        {
            reader = MethodHandles
                .insertArguments(SERIALIZER_READ.bindTo(component.serializer), 2, component.fixedSize)
                .asType(MethodType.methodType(type, DirectBuffer.class, int.class));
        }
        reader = MethodHandles.filterArguments(reader, 1, MethodHandles.insertArguments(ADD, 1, componentOffset));

        final MethodHandle failed = MethodHandles.insertArguments(COMPONENT_FAILED, 0, owner, component.name);
        final MethodHandle handler = MethodHandles.dropArguments(failed, 1, DirectBuffer.class, int.class)
            .asType(MethodType.methodType(type, SerializationException.class, DirectBuffer.class, int.class));
        return MethodHandles.catchException(reader, SerializationException.class, handler);
    }

    private static MethodHandle primitiveGetter(final Class<?> type)
    {
        final Class<?> owner;
        if (type == long.class)
        {
            owner = LongSerializer.class;
        }
        else if (type == int.class)
        {
            owner = IntSerializer.class;
        }
        else if (type == short.class)
        {
            owner = ShortSerializer.class;
        }
        else if (type == byte.class)
        {
            owner = ByteSerializer.class;
        }
        else if (type == char.class)
        {
            owner = CharSerializer.class;
        }
        else if (type == boolean.class)
        {
            owner = BooleanSerializer.class;
        }
        else if (type == double.class)
        {
            owner = DoubleSerializer.class;
        }
        else
        {
            owner = FloatSerializer.class;
        }
        try
        {
            return MethodHandles.lookup().findStatic(
                owner, "get", MethodType.methodType(type, DirectBuffer.class, int.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static int add(final int offset, final int componentOffset)
    {
        return offset + componentOffset;
    }

    private static Object componentFailed(
        final Serializer<?> owner, final String component, final SerializationException ex)
    {
        throw Checks.fail(owner, "component '" + component + "': " + ex.getMessage(), ex);
    }
}
