package org.lockmap.serialization;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns values of type {@code T} into bytes in native memory and back.
 *
 * <p>A serializer writes straight into its destination: the map first asks {@link #sizeOf(Object)},
 * reserves exactly that many bytes, then calls {@link #write(Object, MutableDirectBuffer, int)}.
 * Reads come from a {@link DirectBuffer} range holding exactly the bytes that one write produced.
 *
 * <h2>Key equality is byte equality</h2>
 * A map compares and hashes keys by their serialized bytes, never by {@link Object#equals(Object)}.
 * Two keys are the same key exactly when their serialized forms are equal byte for byte. For most
 * types the two agree; where they do not, the bytes win:
 * <ul>
 *   <li>{@code Double}/{@code Float}: {@code -0.0} and {@code 0.0} are different keys (their bits
 *       differ) although {@code -0.0 == 0.0}; every NaN written by {@link Serializers#doubles()} is
 *       canonicalised to one bit pattern, so all NaNs are one key, as with {@link Double#equals}.</li>
 *   <li>{@code BigDecimal}-like types: {@code 1.0} and {@code 1.00} are different keys unless the
 *       serializer normalises the scale before writing.</li>
 *   <li>Arrays: two arrays with the same contents are the same key (unlike {@code byte[].equals}).</li>
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * A serializer is shared by every thread that uses the map: its methods must be safe to call
 * concurrently, which every built-in is (they hold no shared mutable state; the string, record and
 * Chronicle serializers keep per-thread scratch arrays).
 *
 * <p>The map calls {@link #sizeOf(Object)} and then {@link #write(Object, MutableDirectBuffer, int)} for the
 * same value on the same thread; the value must not change in between, since the size must be exact.
 *
 * <h2>Failure</h2>
 * A serializer may throw from any method; the map then leaves its contents as they were before the
 * operation. Bytes that do not decode should be reported with a {@link SerializationException}.
 *
 * @param <T> the type of the values this serializer handles
 */
public interface Serializer<T>
{
    /**
     * Returned by {@link #fixedSize()} when the size depends on the value.
     */
    int VARIABLE_SIZE = -1;

    /**
     * The identity of this serializer's format: stored with a map so that a map written with one
     * serializer is never read with another.
     *
     * @return the fingerprint, stable across JVM runs for the same format.
     */
    SerializerFingerprint fingerprint();

    /**
     * The number of bytes every value takes, or {@link #VARIABLE_SIZE}. A fixed size lets the map lay
     * values out without a length prefix and update them in place.
     *
     * @return the fixed size in bytes, or {@link #VARIABLE_SIZE}.
     */
    int fixedSize();

    /**
     * The exact number of bytes {@link #write(Object, MutableDirectBuffer, int)} will write for this value.
     *
     * @param value the value, never null.
     * @return the serialized size in bytes, at least 0.
     */
    int sizeOf(T value);

    /**
     * Writes the value at {@code offset}; writes exactly {@link #sizeOf(Object)} bytes.
     *
     * @param value  the value, never null.
     * @param buffer the destination.
     * @param offset where the first byte goes.
     */
    void write(T value, MutableDirectBuffer buffer, int offset);

    /**
     * Reads a value from the {@code length} bytes at {@code offset}.
     *
     * @param buffer the source.
     * @param offset where the first byte is.
     * @param length how many bytes the value takes.
     * @return a new value.
     * @throws SerializationException if the bytes do not decode.
     */
    T read(DirectBuffer buffer, int offset, int length);

    /**
     * Reads a value, reusing {@code reuse} where this serializer supports it (see
     * {@link #supportsReuse()}), so that a reader that keeps one mutable object allocates nothing per read.
     * The default ignores {@code reuse} and calls {@link #read(DirectBuffer, int, int)}.
     *
     * @param buffer the source.
     * @param offset where the first byte is.
     * @param length how many bytes the value takes.
     * @param reuse  an object to fill, or null.
     * @return {@code reuse} filled with the value when reuse is supported and it was not null (a
     *         serializer may document exceptions, such as a {@code ByteBuffer} too small for the value),
     *         otherwise a new value; callers must use the returned object.
     * @throws SerializationException if the bytes do not decode; {@code reuse} may then be partly filled.
     */
    default T read(final DirectBuffer buffer, final int offset, final int length, final T reuse)
    {
        return read(buffer, offset, length);
    }

    /**
     * Whether {@link #read(DirectBuffer, int, int, Object)} fills the object it is given.
     *
     * @return true if reads can reuse a caller's object.
     */
    default boolean supportsReuse()
    {
        return false;
    }

    /**
     * Whether this serializer's values are words: a fixed size of 1 to 8 bytes, and {@link #toWord} and
     * {@link #fromWord} implemented. A map then hashes an 8-byte key and decodes a value from a register,
     * without writing the bytes to a buffer and reading them back (about 6% on an in-cache {@code get}).
     * The default is false; a custom serializer need not implement the word methods.
     *
     * @return true if {@link #toWord} and {@link #fromWord} are implemented.
     */
    default boolean isWord()
    {
        return false;
    }

    /**
     * The value's serialized bytes as one word: the {@code long} that reading the {@link #fixedSize()} bytes
     * {@link #write} writes, followed by zeros up to 8 bytes, in the platform's byte order would give. So
     * a word and the bytes are the same thing in memory.
     *
     * @param value the value, never null.
     * @return its word.
     * @throws UnsupportedOperationException if not {@link #isWord()}.
     */
    default long toWord(final T value)
    {
        throw new UnsupportedOperationException(fingerprint() + " has no word form");
    }

    /**
     * The inverse of {@link #toWord}: the value whose word this is. Bits past {@link #fixedSize()} bytes are
     * zero.
     *
     * @param word a word from {@link #toWord}, or the same bytes read from memory.
     * @return a new value (or a cached one, as {@code Long.valueOf} gives).
     * @throws UnsupportedOperationException if not {@link #isWord()}.
     */
    default T fromWord(final long word)
    {
        throw new UnsupportedOperationException(fingerprint() + " has no word form");
    }
}
