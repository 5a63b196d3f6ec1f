package org.lockmap.serialization;

/**
 * Per-thread arrays that decoders copy stored bytes into and decode characters into, so that a read
 * allocates only its result.
 *
 * <p>Platform threads keep arrays of up to {@link #MAX_RETAINED} elements; larger requests, and every
 * request from a virtual thread (there may be millions of them, each with its own thread-locals), get
 * fresh arrays instead.
 */
final class Scratch
{
    static final int MAX_RETAINED = 64 * 1024;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private byte[] bytes = new byte[256];
    private char[] chars = new char[256];

    private Scratch()
    {
    }

    /**
     * An array of at least {@code length} bytes, valid until the calling thread asks again.
     *
     * @param length the number of bytes needed.
     * @return the array; its contents are undefined.
     */
    static byte[] bytes(final int length)
    {
        if (length > MAX_RETAINED || Thread.currentThread().isVirtual())
        {
            return new byte[length];
        }
        final Scratch scratch = SCRATCH.get();
        byte[] bytes = scratch.bytes;
        if (bytes.length < length)
        {
            bytes = new byte[grow(bytes.length, length)];
            scratch.bytes = bytes;
        }
        return bytes;
    }

    /**
     * An array of at least {@code length} chars, valid until the calling thread asks again.
     *
     * @param length the number of chars needed.
     * @return the array; its contents are undefined.
     */
    static char[] chars(final int length)
    {
        if (length > MAX_RETAINED || Thread.currentThread().isVirtual())
        {
            return new char[length];
        }
        final Scratch scratch = SCRATCH.get();
        char[] chars = scratch.chars;
        if (chars.length < length)
        {
            chars = new char[grow(chars.length, length)];
            scratch.chars = chars;
        }
        return chars;
    }

    private static int grow(final int current, final int needed)
    {
        return Math.max(needed, Math.min(MAX_RETAINED, current * 2));
    }
}
