package org.lockmap.serialization;

import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Factories for the built-in serializers. Every returned serializer is thread-safe, and all but
 * {@link #marshallable(Supplier)} (which keeps per-thread scratch buffers) are immutable.
 *
 * <p>Numbers are little-endian. Fixed-size serializers declare their size through
 * {@link Serializer#fixedSize()}, so the map needs no length for them. Reads of bytes that do not decode
 * (wrong length, a range outside the buffer, invalid UTF-8, an unknown enum ordinal, a truncated record)
 * throw {@link SerializationException} naming the serializer.
 */
public final class Serializers
{
    private Serializers()
    {
    }

    /**
     * @return {@code long}: 8 bytes.
     */
    public static Serializer<Long> longs()
    {
        return LongSerializer.INSTANCE;
    }

    /**
     * @return {@code int}: 4 bytes.
     */
    public static Serializer<Integer> ints()
    {
        return IntSerializer.INSTANCE;
    }

    /**
     * @return {@code short}: 2 bytes.
     */
    public static Serializer<Short> shorts()
    {
        return ShortSerializer.INSTANCE;
    }

    /**
     * @return {@code byte}: 1 byte.
     */
    public static Serializer<Byte> bytes()
    {
        return ByteSerializer.INSTANCE;
    }

    /**
     * @return {@code double}: 8 bytes, the bits of {@link Double#doubleToLongBits(double)}: every NaN is one
     *         canonical NaN (one key), {@code -0.0} and {@code 0.0} stay different (two keys).
     */
    public static Serializer<Double> doubles()
    {
        return DoubleSerializer.INSTANCE;
    }

    /**
     * @return {@code float}: 4 bytes, the bits of {@link Float#floatToIntBits(float)}: every NaN is one
     *         canonical NaN (one key), {@code -0.0f} and {@code 0.0f} stay different (two keys).
     */
    public static Serializer<Float> floats()
    {
        return FloatSerializer.INSTANCE;
    }

    /**
     * @return {@code boolean}: 1 byte, 0 or 1.
     */
    public static Serializer<Boolean> booleans()
    {
        return BooleanSerializer.INSTANCE;
    }

    /**
     * @return {@code char}: 2 bytes, the UTF-16 code unit.
     */
    public static Serializer<Character> chars()
    {
        return CharSerializer.INSTANCE;
    }

    /**
     * @return {@code String}: strict UTF-8 with an ASCII fast path, no length prefix (the map stores the
     *         length). A string with an unpaired surrogate cannot be written.
     */
    public static Serializer<String> strings()
    {
        return StringSerializer.INSTANCE;
    }

    /**
     * @return {@code byte[]}: the array's bytes as they are; equal contents are equal keys.
     */
    public static Serializer<byte[]> byteArrays()
    {
        return ByteArraySerializer.INSTANCE;
    }

    /**
     * @return {@code ByteBuffer}: the bytes between position and limit, which writing does not move. Reads
     *         reuse the caller's buffer when it is writable and large enough.
     */
    public static Serializer<ByteBuffer> byteBuffers()
    {
        return ByteBufferSerializer.INSTANCE;
    }

    /**
     * @return {@code UUID}: 16 bytes in RFC 9562 (big-endian) order.
     */
    public static Serializer<UUID> uuids()
    {
        return UuidSerializer.INSTANCE;
    }

    /**
     * @return {@code Instant}: 12 bytes, epoch second and nanosecond of the second.
     */
    public static Serializer<Instant> instants()
    {
        return InstantSerializer.INSTANCE;
    }

    /**
     * An enum by ordinal, in 1, 2 or 4 bytes depending on how many constants it has. The fingerprint
     * includes the class name and the constant names in order, so changing the constants changes it.
     *
     * @param type the enum class.
     * @param <E>  the enum type.
     * @return a serializer for {@code type}.
     * @throws IllegalArgumentException if {@code type} is not an enum class.
     */
    public static <E extends Enum<E>> Serializer<E> enums(final Class<E> type)
    {
        return new EnumSerializer<>(type);
    }

    /**
     * A record, composed from its components' serializers; see {@link #records(Class, MethodHandles.Lookup)}.
     * The record's accessors and canonical constructor must be accessible to this module: public in an
     * exported package, in a package opened to it, or on the class path.
     *
     * @param type the record class.
     * @param <R>  the record type.
     * @return a serializer for {@code type}.
     * @throws IllegalArgumentException if {@code type} is not a record, has a component of an unsupported
     *                                  type, or cannot be accessed.
     */
    public static <R extends Record> Serializer<R> records(final Class<R> type)
    {
        return new RecordSerializer<>(type, MethodHandles.lookup());
    }

    /**
     * A record, composed from its components' serializers in declaration order: primitives and their boxes,
     * {@code String}, {@code byte[]}, {@code UUID}, {@code Instant}, enums and nested records of these.
     * Fixed-size when every component is; a variable-size component carries a length prefix unless it is
     * the last variable-size one. Reflection happens here, once; reads go through the canonical
     * constructor. A null component cannot be written.
     *
     * @param type   the record class.
     * @param lookup a lookup with access to the record's accessors and canonical constructor, for records
     *               that are not accessible to this module, typically {@code MethodHandles.lookup()} called
     *               in the record's own package.
     * @param <R>    the record type.
     * @return a serializer for {@code type}.
     * @throws IllegalArgumentException if {@code type} is not a record, has a component of an unsupported
     *                                  type, or cannot be accessed with {@code lookup}.
     */
    public static <R extends Record> Serializer<R> records(final Class<R> type, final MethodHandles.Lookup lookup)
    {
        return new RecordSerializer<>(type, lookup);
    }

    /**
     * A Chronicle Bytes {@code BytesMarshallable}, stored as what its {@code writeMarshallable} writes, with
     * format version 1. Needs {@code net.openhft:chronicle-bytes} on the class path; no other serializer
     * does.
     *
     * @param factory makes empty instances for reads; called once here to learn the class name for the
     *                fingerprint.
     * @param <T>     the marshallable type.
     * @return a serializer whose reads can fill a caller's instance.
     */
    @SuppressWarnings("exports") // chronicle.bytes is optional: only callers of this method need it
    public static <T extends net.openhft.chronicle.bytes.BytesMarshallable> Serializer<T> marshallable(
        final Supplier<T> factory)
    {
        return marshallable(factory, 1);
    }

    /**
     * As {@link #marshallable(Supplier)}, with a format version to bump whenever {@code writeMarshallable}
     * changes what it writes, so that a map file written with the old format is refused.
     *
     * @param factory       makes empty instances for reads.
     * @param formatVersion the version of the type's byte format, stored in the fingerprint.
     * @param <T>           the marshallable type.
     * @return a serializer whose reads can fill a caller's instance.
     */
    @SuppressWarnings("exports") // chronicle.bytes is optional: only callers of this method need it
    public static <T extends net.openhft.chronicle.bytes.BytesMarshallable> Serializer<T> marshallable(
        final Supplier<T> factory, final int formatVersion)
    {
        return new MarshallableSerializer<>(factory, formatVersion);
    }
}
