package org.lockmap.bench.serialization;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import org.agrona.concurrent.UnsafeBuffer;
import org.lockmap.serialization.Serializer;
import org.lockmap.serialization.Serializers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Write-then-read throughput of LockMap's serializers against Chronicle Bytes and Java serialization, for
 * the same values: a long, an ASCII string, a non-ASCII string and a small record; plus the zero-garbage
 * reuse paths (a Chronicle {@code BytesMarshallable} read into a caller's object, a {@code ByteBuffer}
 * read into a caller's buffer).
 *
 * <p>Each operation is one write and one read of the same value, into and out of off-heap memory, the way
 * the map will do it ({@code sizeOf}, {@code write}, {@code read} of the exact range). Run with
 * {@code -prof gc} to see {@code gc.alloc.rate.norm}, the bytes allocated per operation.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *     -Dchronicle.analytics.disable=true -cp CLASSPATH org.openjdk.jmh.Main SerializerBenchmark \
 *     -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true" })
public class SerializerBenchmark
{
    static final String ASCII = "EURUSD.SPOT/LMAX-venue-0042";
    static final String NON_ASCII = "Z\u00FCrich \u20AC/\u65E5\u672C \u00E9t\u00E9 \uD83D\uDE80 ok";

    /**
     * A small record: Java-serializable so that the JDK baseline can write the same object.
     */
    public record Order(long id, int quantity, double price, String symbol) implements Serializable
    {
    }

    /**
     * A small record of primitives only, the fixed-size case.
     */
    public record Fill(long id, int quantity, double price)
    {
    }

    /**
     * The same fields as {@link Fill}, as a Chronicle marshallable that a read can refill.
     */
    public static final class FillMarshallable implements BytesMarshallable
    {
        long id;
        int quantity;
        double price;

        @Override
        public void writeMarshallable(final BytesOut<?> out)
        {
            out.writeLong(id);
            out.writeInt(quantity);
            out.writeDouble(price);
        }

        @Override
        public void readMarshallable(final BytesIn<?> in)
        {
            id = in.readLong();
            quantity = in.readInt();
            price = in.readDouble();
        }
    }

    private static final Serializer<Long> LONGS = Serializers.longs();
    private static final Serializer<String> STRINGS = Serializers.strings();
    private static final Serializer<Order> ORDERS = Serializers.records(Order.class);
    private static final Serializer<Fill> FILLS = Serializers.records(Fill.class);
    private static final Serializer<FillMarshallable> FILL_MARSHALLABLES =
        Serializers.marshallable(FillMarshallable::new);
    private static final Serializer<ByteBuffer> BYTE_BUFFERS = Serializers.byteBuffers();

    private UnsafeBuffer buffer;
    private Bytes<Void> chronicle;

    Long longValue = 1_234_567_890_123L;
    String ascii = ASCII;
    String nonAscii = NON_ASCII;
    Order order = new Order(42L, 1_000, 1.08425, "EURUSD");
    Fill fill = new Fill(42L, 1_000, 1.08425);
    FillMarshallable fillMarshallable;
    FillMarshallable fillReuse;
    ByteBuffer payload;
    ByteBuffer payloadReuse;

    @Setup(Level.Trial)
    public void setUp()
    {
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        chronicle = Bytes.allocateDirect(4096);
        fillMarshallable = new FillMarshallable();
        fillMarshallable.id = 42L;
        fillMarshallable.quantity = 1_000;
        fillMarshallable.price = 1.08425;
        fillReuse = new FillMarshallable();
        payload = ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 64; i++)
        {
            payload.put(i, (byte)i);
        }
        payloadReuse = ByteBuffer.allocate(64);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        chronicle.releaseLast();
    }

    // ---------------------------------------------------------------- LockMap serializers

    @Benchmark
    public long lockmapLong()
    {
        final Long value = longValue;
        LONGS.write(value, buffer, 0);
        return LONGS.read(buffer, 0, LONGS.sizeOf(value));
    }

    @Benchmark
    public String lockmapStringAscii()
    {
        return lockmapString(ascii);
    }

    @Benchmark
    public String lockmapStringNonAscii()
    {
        return lockmapString(nonAscii);
    }

    private String lockmapString(final String value)
    {
        final int size = STRINGS.sizeOf(value);
        STRINGS.write(value, buffer, 0);
        return STRINGS.read(buffer, 0, size);
    }

    @Benchmark
    public Order lockmapRecord()
    {
        final int size = ORDERS.sizeOf(order);
        ORDERS.write(order, buffer, 0);
        return ORDERS.read(buffer, 0, size);
    }

    @Benchmark
    public Fill lockmapRecordPrimitives()
    {
        final int size = FILLS.sizeOf(fill);
        FILLS.write(fill, buffer, 0);
        return FILLS.read(buffer, 0, size);
    }

    @Benchmark
    public long lockmapRecordPrimitivesWriteOnly()
    {
        FILLS.write(fill, buffer, 0);
        return buffer.getLong(0);
    }

    // ---------------------------------------------------------------- reuse (zero-garbage) paths

    @Benchmark
    public FillMarshallable lockmapMarshallableReuse()
    {
        final int size = FILL_MARSHALLABLES.sizeOf(fillMarshallable);
        FILL_MARSHALLABLES.write(fillMarshallable, buffer, 0);
        return FILL_MARSHALLABLES.read(buffer, 0, size, fillReuse);
    }

    @Benchmark
    public ByteBuffer lockmapByteBufferReuse()
    {
        final int size = BYTE_BUFFERS.sizeOf(payload);
        BYTE_BUFFERS.write(payload, buffer, 0);
        return BYTE_BUFFERS.read(buffer, 0, size, payloadReuse);
    }

    // ---------------------------------------------------------------- Chronicle Bytes on its own

    @Benchmark
    public long chronicleLong()
    {
        chronicle.clear();
        chronicle.writeLong(longValue);
        return chronicle.readLong();
    }

    @Benchmark
    public String chronicleUtf8Ascii()
    {
        return chronicleUtf8(ascii);
    }

    @Benchmark
    public String chronicleUtf8NonAscii()
    {
        return chronicleUtf8(nonAscii);
    }

    private String chronicleUtf8(final String value)
    {
        chronicle.clear();
        chronicle.writeUtf8(value);
        return chronicle.readUtf8();
    }

    @Benchmark
    public FillMarshallable chronicleMarshallableReuse()
    {
        chronicle.clear();
        fillMarshallable.writeMarshallable(chronicle);
        fillReuse.readMarshallable(chronicle);
        return fillReuse;
    }

    // ---------------------------------------------------------------- Java serialization

    @Benchmark
    public Object javaLong() throws IOException, ClassNotFoundException
    {
        return javaRoundTrip(longValue);
    }

    @Benchmark
    public Object javaStringAscii() throws IOException, ClassNotFoundException
    {
        return javaRoundTrip(ascii);
    }

    @Benchmark
    public Object javaStringNonAscii() throws IOException, ClassNotFoundException
    {
        return javaRoundTrip(nonAscii);
    }

    @Benchmark
    public Object javaRecord() throws IOException, ClassNotFoundException
    {
        return javaRoundTrip(order);
    }

    private static Object javaRoundTrip(final Object value) throws IOException, ClassNotFoundException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())))
        {
            return in.readObject();
        }
    }
}
