package org.lockmap.serialization;

import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Builds, once per record type, one method handle that reads every component and calls the canonical
 * constructor with them: primitives go from the buffer to the constructor without boxing, and there is
 * no argument array.
 *
 * <pre>
 *   record Fill(long id, int qty, double px)            fixed size: constant offsets 0, 8, 12
 *
 *   fixed(buffer, offset) -> new Fill(
 *       LongSerializer.get(buffer, offset + 0),
 *       IntSerializer.get(buffer, offset + 8),
 *       DoubleSerializer.get(buffer, offset + 12))
 *
 *   record Order(long id, String symbol, int qty)       variable size: the caller first walks the length
 *                                                       prefixes and fills positions[i] = offset << 32 | size
 *   variable(buffer, positions) -> new Order(
 *       LongSerializer.get(buffer, offsetOf(positions[0])),
 *       strings.read(buffer, offsetOf(positions[1]), sizeOf(positions[1])),
 *       IntSerializer.get(buffer, offsetOf(positions[2])))
 * </pre>
 *
 * A component that does not decode throws a {@link SerializationException} naming the record serializer
 * and the component. The handle is invoked from a non-constant call site; after a few hundred calls the JVM
 * customizes its lambda form for this instance, which lets the JIT inline the whole tree.
 */
final class RecordReaders
{
    static final MethodType FIXED = MethodType.methodType(Object.class, DirectBuffer.class, int.class);
    static final MethodType VARIABLE = MethodType.methodType(Object.class, DirectBuffer.class, long[].class);

    private static final MethodHandle ADD;
    private static final MethodHandle OFFSET_OF;
    private static final MethodHandle SIZE_OF;
    private static final MethodHandle SERIALIZER_READ;
    private static final MethodHandle COMPONENT_FAILED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final MethodType intOfLong = MethodType.methodType(int.class, long.class);
            ADD = lookup.findStatic(
                RecordReaders.class, "add", MethodType.methodType(int.class, int.class, int.class));
            OFFSET_OF = lookup.findStatic(RecordReaders.class, "offsetOf", intOfLong);
            SIZE_OF = lookup.findStatic(RecordReaders.class, "sizeOf", intOfLong);
            SERIALIZER_READ = lookup.findVirtual(Serializer.class, "read",
                MethodType.methodType(Object.class, DirectBuffer.class, int.class, int.class));
            COMPONENT_FAILED = lookup.findStatic(RecordReaders.class, "componentFailed", MethodType.methodType(
                Object.class, Serializer.class, String.class, SerializationException.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private RecordReaders()
    {
    }

    static long position(final int offset, final int size)
    {
        return (long)offset << 32 | (size & 0xFFFF_FFFFL);
    }

    /**
     * For a record whose components are all fixed-size.
     *
     * @param owner       the record serializer, named by failures.
     * @param components  the record's components in declaration order.
     * @param constructor the canonical constructor, of type {@code (T1, ..., Tn) -> R}.
     * @return a handle of type {@link #FIXED}: {@code (DirectBuffer buffer, int offset) -> Object}.
     */
    static MethodHandle fixed(
        final Serializer<?> owner, final RecordComponentCodec[] components, final MethodHandle constructor)
    {
        final MethodHandle[] readers = new MethodHandle[components.length];
        int offset = 0;
        for (int i = 0; i < components.length; i++)
        {
            final RecordComponentCodec component = components[i];
            // (buffer, offset, size) -> T  becomes  (buffer, base) -> T reading at base + offset, size fixed
            final MethodHandle sized = MethodHandles.insertArguments(reader(component), 2, component.fixedSize);
            readers[i] = guarded(owner, component,
                MethodHandles.filterArguments(sized, 1, MethodHandles.insertArguments(ADD, 1, offset)));
            offset += component.fixedSize;
        }
        return combine(constructor, readers, int.class).asType(FIXED);
    }

    /**
     * For a record with variable-size components, whose caller computes every component's position first.
     *
     * @param owner       the record serializer, named by failures.
     * @param components  the record's components in declaration order.
     * @param constructor the canonical constructor, of type {@code (T1, ..., Tn) -> R}.
     * @return a handle of type {@link #VARIABLE}: {@code (DirectBuffer buffer, long[] positions) -> Object},
     *         where {@code positions[i]} is {@link #position(int, int)} of component {@code i}.
     */
    static MethodHandle variable(
        final Serializer<?> owner, final RecordComponentCodec[] components, final MethodHandle constructor)
    {
        final MethodHandle[] readers = new MethodHandle[components.length];
        for (int i = 0; i < components.length; i++)
        {
            final RecordComponentCodec component = components[i];
            // (buffer, offset, size) -> T  becomes  (buffer, position, position) -> T  becomes  (buffer, position)
            final MethodHandle split = MethodHandles.filterArguments(reader(component), 1, OFFSET_OF, SIZE_OF);
            final MethodHandle byPosition = MethodHandles.permuteArguments(
                split, MethodType.methodType(component.type, DirectBuffer.class, long.class), 0, 1, 1);
            final MethodHandle element = MethodHandles.insertArguments(
                MethodHandles.arrayElementGetter(long[].class), 1, i);
            readers[i] = guarded(owner, component, MethodHandles.filterArguments(byPosition, 1, element));
        }
        return combine(constructor, readers, long[].class).asType(VARIABLE);
    }

    /**
     * {@code (DirectBuffer, int offset, int size) -> T} for one component.
     */
    private static MethodHandle reader(final RecordComponentCodec component)
    {
        final Class<?> type = component.type;
        if (type.isPrimitive())
        {
            return MethodHandles.dropArguments(primitiveGetter(type), 2, int.class);
        }
        return SERIALIZER_READ.bindTo(component.serializer)
            .asType(MethodType.methodType(type, DirectBuffer.class, int.class, int.class));
    }

    /**
     * Wraps a {@code (DirectBuffer, X) -> T} reader so that its failures name the record and component.
     */
    private static MethodHandle guarded(
        final Serializer<?> owner, final RecordComponentCodec component, final MethodHandle reader)
    {
        final MethodType type = reader.type();
        final MethodHandle failed = MethodHandles.insertArguments(COMPONENT_FAILED, 0, owner, component.name);
        final MethodHandle handler = MethodHandles.dropArguments(failed, 1, type.parameterList())
            .asType(type.insertParameterTypes(0, SerializationException.class));
        return MethodHandles.catchException(reader, SerializationException.class, handler);
    }

    /**
     * Feeds the constructor's parameters from the readers, all of type {@code (DirectBuffer, P) -> Ti}, and
     * returns {@code (DirectBuffer, P) -> R}.
     */
    private static MethodHandle combine(
        final MethodHandle constructor, final MethodHandle[] readers, final Class<?> positionType)
    {
        MethodHandle tree = constructor;
        // Replace each parameter, last first so that earlier indices stay put, by (DirectBuffer, P).
        for (int i = readers.length - 1; i >= 0; i--)
        {
            tree = MethodHandles.collectArguments(tree, i, readers[i]);
        }
        if (readers.length == 0)
        {
            return MethodHandles.dropArguments(tree, 0, DirectBuffer.class, positionType);
        }
        // (buffer, p, buffer, p, ...) -> R  becomes  (buffer, p) -> R
        final int[] reorder = new int[2 * readers.length];
        for (int i = 0; i < reorder.length; i++)
        {
            reorder[i] = i & 1;
        }
        return MethodHandles.permuteArguments(
            tree, MethodType.methodType(tree.type().returnType(), DirectBuffer.class, positionType), reorder);
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

    private static int offsetOf(final long position)
    {
        return (int)(position >>> 32);
    }

    private static int sizeOf(final long position)
    {
        return (int)position;
    }

    private static Object componentFailed(
        final Serializer<?> owner, final String component, final SerializationException ex)
    {
        throw Checks.fail(owner, "component '" + component + "': " + ex.getMessage(), ex);
    }
}
