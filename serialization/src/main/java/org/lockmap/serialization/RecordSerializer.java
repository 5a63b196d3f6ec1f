package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * A Java record, composed from the serializers of its components, in declaration order.
 *
 * <h2>Format</h2>
 * <pre>
 *   record Order(long id, String symbol, int qty, byte[] note)
 *
 *   +--------+-----------+------------------+-------+-----------------+
 *   | id: 8B | len(sym)  | symbol: UTF-8    | qty:  | note: the rest  |
 *   |        | LEB128    |                  | 4B    | (no prefix)     |
 *   +--------+-----------+------------------+-------+-----------------+
 * </pre>
 * Each component takes its own serializer's format. A variable-size component carries an unsigned LEB128
 * length prefix, except the last variable-size one, whose length follows from the record's length. A
 * record whose components are all fixed-size is fixed-size itself, with no prefix at all.
 *
 * <h2>Supported components</h2>
 * Primitives and their boxes, {@code String}, {@code byte[]}, {@code UUID}, {@code Instant}, enums and
 * records of these (nested to any depth, but not recursively). A null component cannot be written.
 * Accessors and the canonical constructor are resolved once, at construction, into method handles; a
 * primitive component is written without boxing. Reads build the record through its canonical
 * constructor, so a constructor that validates its components also validates stored bytes; records are
 * immutable, so reads cannot reuse an object. Reads go through one composed method handle per record type
 * (see {@link RecordReaders}) that passes primitives to the constructor without boxing, so a read
 * allocates only the record and its non-primitive components.
 *
 * <p>The fingerprint lists the record's class name and every component's name, type and fingerprint, so
 * renaming, reordering, retyping, adding or removing a component gives a new fingerprint.
 *
 * @param <R> the record type.
 */
final class RecordSerializer<R extends Record> implements Serializer<R>
{
    private final Class<R> type;
    private final RecordComponentCodec[] components;
    private final MethodHandle reader;
    private final ThreadLocal<long[]> positions;
    private final int fixedSize;
    private final SerializerFingerprint fingerprint;

    RecordSerializer(final Class<R> type, final MethodHandles.Lookup lookup)
    {
        this(type, lookup, new HashSet<>());
    }

    private RecordSerializer(final Class<R> type, final MethodHandles.Lookup lookup, final Set<Class<?>> enclosing)
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(lookup, "lookup");
        if (!type.isRecord())
        {
            throw new IllegalArgumentException(type.getName() + " is not a record class");
        }
        if (!enclosing.add(type))
        {
            throw new IllegalArgumentException("record " + type.getName() + " contains itself: " + enclosing);
        }
        this.type = type;
        RecordSerializer.class.getModule().addReads(type.getModule());

        final RecordComponent[] recordComponents = type.getRecordComponents();
        components = new RecordComponentCodec[recordComponents.length];
        final Class<?>[] parameterTypes = new Class<?>[recordComponents.length];
        for (int i = 0; i < recordComponents.length; i++)
        {
            final RecordComponent component = recordComponents[i];
            final Class<?> componentType = component.getType();
            parameterTypes[i] = componentType;
            final Serializer<?> serializer = serializerFor(type, component, lookup, enclosing);
            components[i] = RecordComponentCodec.of(
                component.getName(), componentType, serializer, accessor(lookup, type, component.getAccessor()));
        }
        enclosing.remove(type);

        int fixedTotal = 0;
        boolean allFixed = true;
        boolean varAfter = false;
        for (int i = components.length - 1; i >= 0; i--)
        {
            final RecordComponentCodec component = components[i];
            component.fixedAfter = allFixed ? fixedTotal : -1;
            if (component.fixedSize == VARIABLE_SIZE)
            {
                component.prefixed = varAfter;
                varAfter = true;
                allFixed = false;
            }
            else
            {
                fixedTotal += component.fixedSize;
            }
        }
        fixedSize = allFixed ? fixedTotal : VARIABLE_SIZE;
        final MethodHandle constructor = canonicalConstructor(lookup, type, parameterTypes);

        final StringJoiner description = new StringJoiner(",", "lockmap.record:" + type.getName() + "(", ")");
        for (final RecordComponentCodec component : components)
        {
            description.add(
                component.name + ":" + component.type.getTypeName() + "=" + component.serializer.fingerprint());
        }
        fingerprint = new SerializerFingerprint(description.toString(), 1, fixedSize);
        if (allFixed)
        {
            reader = RecordReaders.fixed(this, components, constructor);
            positions = null;
        }
        else
        {
            reader = RecordReaders.variable(this, components, constructor);
            final int count = components.length;
            positions = ThreadLocal.withInitial(() -> new long[count]);
        }
    }

    private static Serializer<?> serializerFor(
        final Class<?> recordType,
        final RecordComponent component,
        final MethodHandles.Lookup lookup,
        final Set<Class<?>> enclosing)
    {
        final Class<?> t = component.getType();
        if (t == long.class || t == Long.class)
        {
            return LongSerializer.INSTANCE;
        }
        if (t == int.class || t == Integer.class)
        {
            return IntSerializer.INSTANCE;
        }
        if (t == short.class || t == Short.class)
        {
            return ShortSerializer.INSTANCE;
        }
        if (t == byte.class || t == Byte.class)
        {
            return ByteSerializer.INSTANCE;
        }
        if (t == char.class || t == Character.class)
        {
            return CharSerializer.INSTANCE;
        }
        if (t == boolean.class || t == Boolean.class)
        {
            return BooleanSerializer.INSTANCE;
        }
        if (t == double.class || t == Double.class)
        {
            return DoubleSerializer.INSTANCE;
        }
        if (t == float.class || t == Float.class)
        {
            return FloatSerializer.INSTANCE;
        }
        if (t == String.class)
        {
            return StringSerializer.INSTANCE;
        }
        if (t == byte[].class)
        {
            return ByteArraySerializer.INSTANCE;
        }
        if (t == UUID.class)
        {
            return UuidSerializer.INSTANCE;
        }
        if (t == Instant.class)
        {
            return InstantSerializer.INSTANCE;
        }
        if (t.isEnum())
        {
            return enumSerializer(t);
        }
        if (t.isRecord())
        {
            return nestedRecord(t, lookup, enclosing);
        }
        throw new IllegalArgumentException("record " + recordType.getName() + ": component '" + component.getName() +
            "' has type " + component.getGenericType().getTypeName() + ", which has no built-in serializer " +
            "(supported: primitives and their boxes, String, byte[], UUID, Instant, enums, records of these)");
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Serializer<?> enumSerializer(final Class<?> type)
    {
        return new EnumSerializer(type);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Serializer<?> nestedRecord(
        final Class<?> type, final MethodHandles.Lookup lookup, final Set<Class<?>> enclosing)
    {
        return new RecordSerializer(type, lookup, enclosing);
    }

    private static MethodHandle accessor(final MethodHandles.Lookup lookup, final Class<?> type, final Method method)
    {
        try
        {
            return lookup.unreflect(method);
        }
        catch (final IllegalAccessException ex)
        {
            if (method.trySetAccessible())
            {
                try
                {
                    return lookup.unreflect(method);
                }
                catch (final IllegalAccessException ignore)
                {
                    // fall through to the explanation below
                }
            }
            throw inaccessible(type, ex);
        }
    }

    private static MethodHandle canonicalConstructor(
        final MethodHandles.Lookup lookup, final Class<?> type, final Class<?>[] parameterTypes)
    {
        final Constructor<?> constructor;
        try
        {
            constructor = type.getDeclaredConstructor(parameterTypes);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", ex);
        }
        MethodHandle handle;
        try
        {
            handle = lookup.unreflectConstructor(constructor);
        }
        catch (final IllegalAccessException ex)
        {
            if (!constructor.trySetAccessible())
            {
                throw inaccessible(type, ex);
            }
            try
            {
                handle = lookup.unreflectConstructor(constructor);
            }
            catch (final IllegalAccessException again)
            {
                throw inaccessible(type, again);
            }
        }
        return handle;
    }

    private static IllegalArgumentException inaccessible(final Class<?> type, final Throwable cause)
    {
        return new IllegalArgumentException("cannot access the accessors or canonical constructor of record " +
            type.getName() + ": make it public in an exported package, open its package to " +
            "org.lockmap.serialization, or pass a lookup that can: " +
            "Serializers.records(" + type.getSimpleName() + ".class, MethodHandles.lookup())", cause);
    }

    public SerializerFingerprint fingerprint()
    {
        return fingerprint;
    }

    public int fixedSize()
    {
        return fixedSize;
    }

    public int sizeOf(final R value)
    {
        if (fixedSize != VARIABLE_SIZE)
        {
            return fixedSize;
        }
        long size = 0;
        for (final RecordComponentCodec component : components)
        {
            if (component.fixedSize != VARIABLE_SIZE)
            {
                size += component.fixedSize;
            }
            else
            {
                final int componentSize = component.serializer.sizeOf(nonNull(component, value));
                size += componentSize;
                if (component.prefixed)
                {
                    size += VarInts.sizeOf(componentSize);
                }
            }
        }
        if (size > Integer.MAX_VALUE)
        {
            throw Checks.fail(this, "the serialized record would exceed 2 GiB");
        }
        return (int)size;
    }

    public void write(final R value, final MutableDirectBuffer buffer, final int offset)
    {
        int index = offset;
        for (final RecordComponentCodec component : components)
        {
            if (component instanceof RecordComponentCodec.Primitive primitive)
            {
                primitive.write(value, buffer, index);
                index += primitive.fixedSize;
            }
            else
            {
                final Object componentValue = nonNull(component, value);
                if (component.fixedSize != VARIABLE_SIZE)
                {
                    component.serializer.write(componentValue, buffer, index);
                    index += component.fixedSize;
                }
                else
                {
                    final int size = component.serializer.sizeOf(componentValue);
                    if (component.prefixed)
                    {
                        index += VarInts.put(buffer, index, size);
                    }
                    component.serializer.write(componentValue, buffer, index);
                    index += size;
                }
            }
        }
    }

    private Object nonNull(final RecordComponentCodec component, final R value)
    {
        final Object componentValue = component.value(value);
        if (componentValue == null)
        {
            throw Checks.fail(this, "component '" + component.name + "' is null, which cannot be written");
        }
        return componentValue;
    }

    public R read(final DirectBuffer buffer, final int offset, final int length)
    {
        final Object value;
        if (positions == null)
        {
            Checks.fixed(this, buffer, offset, length, fixedSize);
            try
            {
                value = (Object)reader.invokeExact(buffer, offset);
            }
            catch (final SerializationException ex)
            {
                throw ex;
            }
            catch (final Throwable t)
            {
                throw constructorRejected(t);
            }
        }
        else
        {
            Checks.range(this, buffer, offset, length);
            final long[] componentPositions = locate(buffer, offset, length);
            try
            {
                value = (Object)reader.invokeExact(buffer, componentPositions);
            }
            catch (final SerializationException ex)
            {
                throw ex;
            }
            catch (final Throwable t)
            {
                throw constructorRejected(t);
            }
        }
        return type.cast(value);
    }

    /**
     * Walks the components of a variable-size record and returns where each one is, checking that the
     * length prefixes and fixed sizes fit the stored length exactly.
     */
    private long[] locate(final DirectBuffer buffer, final int offset, final int length)
    {
        // A virtual thread gets a fresh array rather than a thread-local one per virtual thread.
        final long[] componentPositions =
            Thread.currentThread().isVirtual() ? new long[components.length] : positions.get();
        final int end = offset + length;
        int index = offset;
        for (int i = 0; i < components.length; i++)
        {
            final RecordComponentCodec component = components[i];
            final int size;
            if (component.fixedSize != VARIABLE_SIZE)
            {
                size = component.fixedSize;
            }
            else if (component.prefixed)
            {
                final long prefix = VarInts.get(this, buffer, index, end);
                index += (int)(prefix >>> 32);
                size = (int)prefix;
            }
            else
            {
                size = end - index - component.fixedAfter;
            }
            if (size < 0 || size > end - index)
            {
                throw Checks.fail(this, "truncated: component '" + component.name + "' needs " +
                    (size < 0 ? "more" : String.valueOf(size)) + " bytes at offset " + (index - offset) +
                    " but the stored value has " + length);
            }
            componentPositions[i] = RecordReaders.position(index, size);
            index += size;
        }
        if (index != end)
        {
            throw Checks.fail(this, (end - index) + " bytes left over after the last component");
        }
        return componentPositions;
    }

    private SerializationException constructorRejected(final Throwable t)
    {
        if (t instanceof Error error)
        {
            throw error;
        }
        return Checks.fail(this, "the canonical constructor rejected the stored components: " + t, t);
    }

    public String toString()
    {
        return fingerprint.toString();
    }
}
