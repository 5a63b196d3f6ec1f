package org.lockmap.serialization;

/**
 * A per-thread byte array that decoders copy stored bytes into, so that a read allocates only its result.
 *
 * <p>Platform threads keep one array of up to {@link #MAX_RETAINED} bytes; larger requests, and every
 * request from a virtual thread (there may be millions of them, each with its own thread-locals), get a
 * fresh array instead.
 */
final class ByteScratch
{
    static final int MAX_RETAINED = 64 * 1024;

    private static final ThreadLocal<ByteScratch> SCRATCH = ThreadLocal.withInitial(ByteScratch::new);

    private byte[] bytes = new byte[256];

    private ByteScratch()
    {
    }

    /**
     * An array of at least {@code length} bytes, valid until the calling thread asks again.
     *
     * @param length the number of bytes needed.
     * @return the array; its contents are undefined.
     */
    static byte[] get(final int length)
    {
        if (length > MAX_RETAINED || Thread.currentThread().isVirtual())
        {
            return new byte[length];
        }
        final ByteScratch scratch = SCRATCH.get();
        byte[] bytes = scratch.bytes;
        if (bytes.length < length)
        {
            bytes = new byte[Math.max(length, Math.min(MAX_RETAINED, bytes.length * 2))];
            scratch.bytes = bytes;
        }
        return bytes;
    }
}
