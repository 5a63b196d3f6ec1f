package org.lockmap.serialization;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Chronicle Bytes is optional: with only this module and Agrona on the class path, every serializer but
 * {@link Serializers#marshallable} loads and works, and {@code marshallable} fails only when called.
 */
class WithoutChronicleTest
{
    @Test
    void everyOtherSerializerWorksWithoutChronicleOnTheClassPath() throws Exception
    {
        final URL module = Serializers.class.getProtectionDomain().getCodeSource().getLocation();
        final URL agrona = org.agrona.DirectBuffer.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{ module, agrona }, ClassLoader.getPlatformClassLoader()))
        {
            assertThrows(ClassNotFoundException.class,
                () -> Class.forName("net.openhft.chronicle.bytes.BytesMarshallable", false, loader));

            final Class<?> serializers = Class.forName(Serializers.class.getName(), true, loader);
            final Class<?> bufferType = Class.forName("org.agrona.concurrent.UnsafeBuffer", true, loader);
            final Object buffer = bufferType.getConstructor(ByteBuffer.class).newInstance(ByteBuffer.allocateDirect(64));

            assertEquals(Long.MIN_VALUE, roundTrip(serializers, "longs", buffer, Long.MIN_VALUE));
            assertEquals(7, roundTrip(serializers, "ints", buffer, 7));
            assertEquals((short)7, roundTrip(serializers, "shorts", buffer, (short)7));
            assertEquals((byte)7, roundTrip(serializers, "bytes", buffer, (byte)7));
            assertEquals(1.5, roundTrip(serializers, "doubles", buffer, 1.5));
            assertEquals(1.5f, roundTrip(serializers, "floats", buffer, 1.5f));
            assertEquals(true, roundTrip(serializers, "booleans", buffer, true));
            assertEquals('c', roundTrip(serializers, "chars", buffer, 'c'));
            assertEquals("h\u00E9llo", roundTrip(serializers, "strings", buffer, "h\u00E9llo"));
            assertEquals(3, ((byte[])roundTrip(serializers, "byteArrays", buffer, new byte[3])).length);
            assertEquals(ByteBuffer.wrap(new byte[]{ 1, 2 }),
                roundTrip(serializers, "byteBuffers", buffer, ByteBuffer.wrap(new byte[]{ 1, 2 })));
            assertEquals(new UUID(1, 2), roundTrip(serializers, "uuids", buffer, new UUID(1, 2)));
            assertEquals(Instant.EPOCH, roundTrip(serializers, "instants", buffer, Instant.EPOCH));

            final Object enums = serializers.getMethod("enums", Class.class).invoke(null, TestTypes.Colour.class);
            assertEquals(TestTypes.Colour.BLUE, roundTrip(enums, buffer, TestTypes.Colour.BLUE));
            final Object records = serializers.getMethod("records", Class.class).invoke(null, TestTypes.Trade.class);
            final TestTypes.Trade trade =
                new TestTypes.Trade(1, "s", 2, 3.0, TestTypes.Colour.RED, new UUID(4, 5), Instant.ofEpochSecond(6));
            assertEquals(trade, roundTrip(records, buffer, trade));

            // Only calling marshallable needs Chronicle.
            final Method marshallable = serializers.getMethod("marshallable", java.util.function.Supplier.class);
            final Throwable failure = assertThrows(java.lang.reflect.InvocationTargetException.class,
                () -> marshallable.invoke(null, (java.util.function.Supplier<Object>)Object::new)).getCause();
            assertInstanceOf(NoClassDefFoundError.class, failure);
        }
    }

    private static Object roundTrip(final Class<?> serializers, final String factory, final Object buffer, final Object value)
        throws Exception
    {
        return roundTrip(serializers.getMethod(factory).invoke(null), buffer, value);
    }

    private static Object roundTrip(final Object serializer, final Object buffer, final Object value) throws Exception
    {
        final Class<?> type = serializer.getClass().getClassLoader().loadClass(Serializer.class.getName());
        final ClassLoader loader = serializer.getClass().getClassLoader();
        final Class<?> mutable = loader.loadClass("org.agrona.MutableDirectBuffer");
        final Class<?> direct = loader.loadClass("org.agrona.DirectBuffer");
        final int size = (Integer)type.getMethod("sizeOf", Object.class).invoke(serializer, value);
        type.getMethod("write", Object.class, mutable, int.class).invoke(serializer, value, buffer, 5);
        return type.getMethod("read", direct, int.class, int.class).invoke(serializer, buffer, 5, size);
    }
}
