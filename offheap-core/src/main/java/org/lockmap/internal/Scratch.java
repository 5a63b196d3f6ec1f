package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.lockmap.serialization.Serializer;

/**
 * Per-thread buffers where keys and values are serialized before a shard lock is taken (so no user
 * code runs under it), and where stored bytes are copied before they are decoded. Reused, so the hot
 * paths allocate nothing. Never held across a call into user code.
 */
public final class Scratch
{
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    static final long BYTE_ARRAY_BASE = UnsafeApi.arrayBaseOffset(byte[].class);
    /** Below this many bytes a word loop beats {@code Unsafe.copyMemory}'s call between heap and native memory. */
    private static final int SMALL_COPY = 64;
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** The key being operated on. */
    public final UnsafeBuffer key = new UnsafeBuffer(new byte[64]);
    /** The key's length. */
    public int keyLength;
    /** The key's hash. */
    public long keyHash;
    /** A new value. */
    public final UnsafeBuffer value = new UnsafeBuffer(new byte[64]);
    /** The new value's length. */
    public int valueLength;
    /** A value to compare with (replace and remove with an expected value). */
    public final UnsafeBuffer expected = new UnsafeBuffer(new byte[64]);
    /** The expected value's length. */
    public int expectedLength;
    /** A stored value copied out under the shard lock. */
    public final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
    /** The copied value's length. */
    public int outLength;
    /** Whether {@link #decodedPrevious} holds the previous value of the last write (possibly null). */
    public boolean previousDecoded;
    /** A previous value decoded while its key was held, handed from the write path to its caller. */
    public Object decodedPrevious;
    /** A word value (see {@link EntryLayout#wordValue}) laid out as bytes, for the length of one decode. */
    public final UnsafeBuffer word = new UnsafeBuffer(new byte[Long.BYTES]);
    /** This thread's announcement of a read without a shard lock. */
    final ReadGuard guard = new ReadGuard();
    /** A flyweight over native bytes, wrapped only for the length of one call. */
    public final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    /**
     * @return this thread's scratch.
     */
    public static Scratch get()
    {
        return LOCAL.get();
    }

    /**
     * Serializes a key into {@link #key} and hashes it.
     *
     * @param serializer the key serializer.
     * @param key        the key, not null.
     * @param maxSize    the map's key size limit.
     * @param <K>        the key type.
     */
    public <K> void setKey(final Serializer<K> serializer, final K key, final int maxSize)
    {
        setKey(serializer, key, maxSize, false);
    }

    /**
     * Serializes a key into {@link #key} and hashes it.
     *
     * @param serializer       the key serializer.
     * @param key              the key, not null.
     * @param maxSize          the map's key size limit.
     * @param absentIfTooLarge for reads and removals: a variable-size key over the limit cannot be in the
     *                         map, so return false instead of throwing.
     * @param <K>              the key type.
     * @return false if {@code absentIfTooLarge} and the key is over the limit (nothing was written).
     */
    public <K> boolean setKey(final Serializer<K> serializer, final K key, final int maxSize, final boolean absentIfTooLarge)
    {
        // The serializer is called here for keys and in OffHeapLockMap.serializeValue for values, never from one
        // shared method: each call site keeps a type profile of its own. A shared site saw both serializers of a
        // String -> Long map, C2 inlined both at it, the value write outgrew inlining, and every lock
        // allocated its held entry (MapBenchmark.rmw -p keyType=string, -prof gc: 152 B/op, 48 once split).
        if (serializer.isWord() && serializer.fixedSize() == Long.BYTES)
        {
            // An 8-byte word key: its bytes in one store, hashed from the register (KeyHash.hashWord).
            final long word = serializer.toWord(key);
            UnsafeApi.putLong(this.key.byteArray(), BYTE_ARRAY_BASE, word);
            keyLength = Long.BYTES;
            keyHash = KeyHash.hashWord(word);
            return true;
        }
        final int size = serializer.sizeOf(key);
        if (absentIfTooLarge && size > maxSize && serializer.fixedSize() < 0)
        {
            return false;
        }
        checkSize(serializer, size, maxSize, "key", "maxKeySize");
        ensure(this.key, size);
        serializer.write(key, this.key, 0);
        keyLength = size;
        keyHash = KeyHash.hash(this.key.byteArray(), size);
        return true;
    }

    /**
     * Copies key bytes into {@link #key} and hashes them.
     *
     * @param bytes  holds the key's bytes.
     * @param offset where they start.
     * @param length how many.
     */
    public void copyKey(final byte[] bytes, final int offset, final int length)
    {
        ensure(key, length);
        System.arraycopy(bytes, offset, key.byteArray(), 0, length);
        keyLength = length;
        keyHash = KeyHash.hash(key.byteArray(), length);
    }

    /**
     * Copies key bytes whose hash is already known into {@link #key}.
     *
     * @param bytes  the key's bytes.
     * @param length how many.
     * @param hash   their {@link KeyHash#hash}.
     */
    public void setKeyBytes(final byte[] bytes, final int length, final long hash)
    {
        ensure(key, length);
        System.arraycopy(bytes, 0, key.byteArray(), 0, length);
        keyLength = length;
        keyHash = hash;
    }

    /**
     * Checks a serialized size against the map's limit and the serializer's declared fixed size (a key of
     * another size would make an entry of one size class that is freed into another).
     *
     * @param serializer the serializer, for the message.
     * @param size       what its {@code sizeOf} returned.
     * @param maxSize    the limit.
     * @param what       "key" or "value", for the message.
     * @param limitName  the builder method that raises the limit, for the message.
     * @throws IllegalArgumentException if the size is negative or over the limit.
     * @throws IllegalStateException    if the serializer declares a fixed size and this is another.
     */
    public static void checkSize(
        final Serializer<?> serializer, final int size, final int maxSize, final String what, final String limitName)
    {
        if (size < 0 || size > maxSize)
        {
            throw new IllegalArgumentException("a " + what + " of " + size + " bytes exceeds the map's " + limitName +
                " of " + maxSize + " bytes (" + serializer.fingerprint() + "); raise it with LockMapBuilder." +
                limitName + "(int)");
        }
        if (serializer.fixedSize() >= 0 && size != serializer.fixedSize())
        {
            throw new IllegalStateException(serializer.fingerprint() + " declares a fixed size of " +
                serializer.fixedSize() + " bytes but sizeOf returned " + size + " for a " + what);
        }
    }

    /**
     * Grows a buffer's backing array to hold at least {@code size} bytes (contents are not kept).
     *
     * @param buffer the buffer.
     * @param size   the size needed.
     */
    public static void ensure(final UnsafeBuffer buffer, final int size)
    {
        if (buffer.capacity() < size)
        {
            buffer.wrap(new byte[Math.max(size, buffer.capacity() * 2)]);
        }
    }

    /**
     * Copies a word value out of its slot with one aligned 8-byte load, so that a holder's commit
     * without the shard lock (one 8-byte store) is seen whole, old or new, never mixed byte by byte.
     *
     * @param address the word's slot, 8-byte aligned.
     * @param buffer  one of this scratch's buffers; its first 8 bytes are overwritten.
     */
    public static void copyWordFromNative(final long address, final UnsafeBuffer buffer)
    {
        ensure(buffer, Long.BYTES);
        writeWord(UnsafeApi.getLong(address), buffer);
    }

    /**
     * Copies native bytes into a buffer's array.
     *
     * @param address where the bytes are.
     * @param length  how many.
     * @param buffer  one of this scratch's buffers.
     */
    public static void copyFromNative(final long address, final int length, final UnsafeBuffer buffer)
    {
        ensure(buffer, length);
        final byte[] array = buffer.byteArray();
        if (length <= SMALL_COPY)
        {
            int i = 0;
            for (; i + Long.BYTES <= length; i += Long.BYTES)
            {
                UnsafeApi.putLong(array, BYTE_ARRAY_BASE + i, UnsafeApi.getLong(address + i));
            }
            for (; i < length; i++)
            {
                array[i] = UnsafeApi.getByte(address + i);
            }
            return;
        }
        UnsafeApi.copyMemory(null, address, array, BYTE_ARRAY_BASE, length);
    }

    /**
     * Copies a buffer's first bytes to native memory.
     *
     * @param buffer  one of this scratch's buffers.
     * @param length  how many bytes.
     * @param address where they go.
     */
    public static void copyToNative(final UnsafeBuffer buffer, final int length, final long address)
    {
        final byte[] array = buffer.byteArray();
        if (length <= SMALL_COPY)
        {
            int i = 0;
            for (; i + Long.BYTES <= length; i += Long.BYTES)
            {
                UnsafeApi.putLong(address + i, UnsafeApi.getLong(array, BYTE_ARRAY_BASE + i));
            }
            for (; i < length; i++)
            {
                UnsafeApi.putByte(address + i, array[i]);
            }
            return;
        }
        UnsafeApi.copyMemory(array, BYTE_ARRAY_BASE, null, address, length);
    }

    /**
     * A value of at most 8 bytes as the word that holds it in memory: its bytes first, zeros after.
     *
     * @param buffer one of this scratch's buffers (at least 8 bytes long), the value at its start.
     * @param length the value's length, 0 to 8.
     * @return the word.
     */
    public static long readWord(final UnsafeBuffer buffer, final int length)
    {
        final long raw = UnsafeApi.getLong(buffer.byteArray(), BYTE_ARRAY_BASE);
        if (length == Long.BYTES)
        {
            return raw;
        }
        final long firstBytes = LITTLE_ENDIAN ? (1L << (length * 8)) - 1 : ~(-1L >>> (length * 8));
        return raw & firstBytes;
    }

    /**
     * Lays a word out as bytes at the start of a buffer: the inverse of {@link #readWord}.
     *
     * @param word   the word.
     * @param buffer a buffer over an array of at least 8 bytes.
     */
    public static void writeWord(final long word, final UnsafeBuffer buffer)
    {
        UnsafeApi.putLong(buffer.byteArray(), BYTE_ARRAY_BASE, word);
    }

    /**
     * @param address native bytes.
     * @param buffer  one of this scratch's buffers.
     * @param length  how many bytes to compare.
     * @return true if equal.
     */
    public static boolean equalsNative(final long address, final UnsafeBuffer buffer, final int length)
    {
        final byte[] array = buffer.byteArray();
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            if (UnsafeApi.getLong(address + i) != UnsafeApi.getLong(array, BYTE_ARRAY_BASE + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (UnsafeApi.getByte(address + i) != array[i])
            {
                return false;
            }
        }
        return true;
    }
}
