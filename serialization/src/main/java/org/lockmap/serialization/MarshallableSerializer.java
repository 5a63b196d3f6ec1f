package org.lockmap.serialization;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Adapts a Chronicle Bytes {@link BytesMarshallable} to {@link Serializer}: the stored bytes are exactly
 * what {@link BytesMarshallable#writeMarshallable} writes.
 *
 * <p>This is the only class of the module that touches Chronicle, and only
 * {@link Serializers#marshallable(Supplier)} refers to it, so an application without Chronicle Bytes on its
 * class path can use every other serializer.
 *
 * <h2>How bytes move</h2>
 * <ul>
 *   <li>{@link #sizeOf} serializes the value into a per-thread on-heap {@link Bytes} and remembers which
 *       object it was; a {@link #write} of that same object (by identity) on the same thread right after
 *       copies those bytes instead of serializing again. The value must not change between the two calls,
 *       which the {@link Serializer#sizeOf} contract (the exact size of the write) already requires.
 *       Any other write serializes afresh into the scratch and copies.</li>
 *   <li>A read from off-heap memory points a per-thread {@link PointerBytesStore} at the stored range and
 *       lets {@link BytesMarshallable#readMarshallable} read it in place, with Chronicle's bounds checks
 *       limited to the range; a read from a heap buffer copies the range into the scratch first.</li>
 *   <li>Reads fill the caller's object when one is given ({@link #supportsReuse()} is true), or a new one
 *       from the factory; once each thread's scratch is warm, neither path allocates.</li>
 * </ul>
 * Bytes that {@code readMarshallable} cannot read, or that it leaves partly unread, are a
 * {@link SerializationException}.
 *
 * <p>Thread-safe: all mutable state is per thread. Chronicle's reflective default
 * {@code readMarshallable}/{@code writeMarshallable} (for classes that do not override them) needs
 * {@code --add-opens java.base/java.lang.reflect=ALL-UNNAMED} on Java 25 to reach non-public fields.
 *
 * @param <T> the marshallable type.
 */
final class MarshallableSerializer<T extends BytesMarshallable> implements Serializer<T>
{
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Supplier<T> factory;
    private final SerializerFingerprint fingerprint;

    MarshallableSerializer(final Supplier<T> factory, final int formatVersion)
    {
        this.factory = Objects.requireNonNull(factory, "factory");
        final T sample = Objects.requireNonNull(factory.get(), "the factory returned null");
        fingerprint = new SerializerFingerprint(
            "lockmap.marshallable:" + sample.getClass().getName(), formatVersion, VARIABLE_SIZE);
    }

    public SerializerFingerprint fingerprint()
    {
        return fingerprint;
    }

    public int fixedSize()
    {
        return VARIABLE_SIZE;
    }

    public int sizeOf(final T value)
    {
        final Scratch scratch = SCRATCH.get();
        if (scratch.busy)
        {
            // Re-entered from inside another marshallable's code on this thread: leave the scratch alone.
            return size(marshal(value, Bytes.allocateElasticOnHeap(64)));
        }
        scratch.busy = true;
        scratch.sized = null;
        try
        {
            final int size = size(marshal(value, scratch.clearedHeap()));
            scratch.sized = value;
            return size;
        }
        finally
        {
            scratch.busy = false;
        }
    }

    public void write(final T value, final MutableDirectBuffer buffer, final int offset)
    {
        final Scratch scratch = SCRATCH.get();
        if (scratch.busy)
        {
            final Bytes<byte[]> bytes = marshal(value, Bytes.allocateElasticOnHeap(64));
            buffer.putBytes(offset, bytes.underlyingObject(), 0, size(bytes));
            return;
        }
        scratch.busy = true;
        try
        {
            final boolean sizedJustBefore = scratch.sized == value;
            scratch.sized = null;
            final Bytes<byte[]> bytes = sizedJustBefore ? scratch.heap : marshal(value, scratch.clearedHeap());
            buffer.putBytes(offset, bytes.underlyingObject(), 0, size(bytes));
        }
        finally
        {
            scratch.busy = false;
        }
    }

    public T read(final DirectBuffer buffer, final int offset, final int length)
    {
        return read(buffer, offset, length, null);
    }

    public T read(final DirectBuffer buffer, final int offset, final int length, final T reuse)
    {
        Checks.range(this, buffer, offset, length);
        final T target = reuse != null ? reuse : newInstance();
        final Scratch scratch = SCRATCH.get();
        if (scratch.busy)
        {
            final Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(Math.max(length, 1));
            return unmarshal(target, copyIn(buffer, offset, length, bytes));
        }
        scratch.busy = true;
        try
        {
            final Bytes<?> in;
            if (buffer.byteArray() == null)
            {
                // Off-heap: read in place. Checks.range has proved [offset, offset + length) lies in the buffer,
                // and the pointer's capacity stops Chronicle from reading past it.
                final PointerBytesStore pointer = scratch.pointer;
                pointer.set(buffer.addressOffset() + offset, length);
                in = scratch.pointerBytes;
                in.clear();
                in.readPositionRemaining(0, length);
            }
            else
            {
                in = copyIn(buffer, offset, length, scratch.clearedHeap());
            }
            return unmarshal(target, in);
        }
        finally
        {
            scratch.busy = false;
        }
    }

    public boolean supportsReuse()
    {
        return true;
    }

    private T newInstance()
    {
        final T instance = factory.get();
        if (instance == null)
        {
            throw Checks.fail(this, "the factory returned null");
        }
        return instance;
    }

    private static Bytes<byte[]> copyIn(
        final DirectBuffer buffer, final int offset, final int length, final Bytes<byte[]> bytes)
    {
        bytes.ensureCapacity(length);
        buffer.getBytes(offset, bytes.underlyingObject(), 0, length);
        bytes.readPositionRemaining(0, length);
        return bytes;
    }

    private <B extends Bytes<?>> B marshal(final T value, final B bytes)
    {
        try
        {
            value.writeMarshallable(bytes);
        }
        catch (final RuntimeException | AssertionError ex)
        {
            throw Checks.fail(this, "writeMarshallable failed: " + ex + hint(ex), ex);
        }
        return bytes;
    }

    private T unmarshal(final T target, final Bytes<?> in)
    {
        try
        {
            target.readMarshallable(in);
        }
        catch (final RuntimeException | AssertionError ex)
        {
            throw Checks.fail(
                this, "readMarshallable could not read the stored " + in.readLimit() + " bytes: " + ex + hint(ex), ex);
        }
        final long unread = in.readRemaining();
        if (unread != 0)
        {
            throw Checks.fail(this, "readMarshallable left " + unread + " of the stored " + in.readLimit() +
                " bytes unread");
        }
        return target;
    }

    /**
     * Chronicle's reflective default marshalling fails with an {@link IllegalAccessException} deep in its
     * cause chain when the JVM does not open {@code java.lang.reflect}: say how to fix it.
     */
    static String hint(final Throwable failure)
    {
        for (Throwable t = failure; t != null; t = t.getCause())
        {
            if (t instanceof IllegalAccessException)
            {
                return " (Chronicle's reflective default marshalling needs the JVM flag " +
                    "--add-opens java.base/java.lang.reflect=ALL-UNNAMED, or override readMarshallable and " +
                    "writeMarshallable)";
            }
        }
        return "";
    }

    private int size(final Bytes<?> bytes)
    {
        final long size = bytes.writePosition();
        if (size > Integer.MAX_VALUE)
        {
            throw Checks.fail(this, "the serialized value would exceed 2 GiB");
        }
        return (int)size;
    }

    public String toString()
    {
        return fingerprint.toString();
    }

    /**
     * One thread's Chronicle objects. Created on first use by each thread, never shared.
     */
    private static final class Scratch
    {
        private static final int INITIAL_CAPACITY = 256;
        private static final int MAX_RETAINED = 1024 * 1024;

        private Bytes<byte[]> heap = Bytes.allocateElasticOnHeap(INITIAL_CAPACITY);
        private final PointerBytesStore pointer = BytesStore.nativePointer();
        private final Bytes<Void> pointerBytes = pointer.bytesForWrite();

        /**
         * The value whose bytes {@link #heap} holds after a {@link #sizeOf}, until the next use.
         */
        private Object sized;
        private boolean busy;

        private Bytes<byte[]> clearedHeap()
        {
            if (heap.realCapacity() > MAX_RETAINED)
            {
                // Do not keep a buffer sized for one huge value for the life of the thread.
                heap = Bytes.allocateElasticOnHeap(INITIAL_CAPACITY);
            }
            heap.clear();
            return heap;
        }
    }
}
