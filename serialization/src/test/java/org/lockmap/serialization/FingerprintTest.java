package org.lockmap.serialization;

import org.junit.jupiter.api.Test;
import org.lockmap.serialization.TestTypes.Colour;
import org.lockmap.serialization.TestTypes.Point;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fingerprints are stable (pinned here: changing one is a format change) and tell formats apart.
 */
class FingerprintTest
{
    @Test
    void builtInFingerprintsArePinned()
    {
        assertEquals("lockmap.long/v1/8B", Serializers.longs().fingerprint().toString());
        assertEquals("lockmap.int/v1/4B", Serializers.ints().fingerprint().toString());
        assertEquals("lockmap.short/v1/2B", Serializers.shorts().fingerprint().toString());
        assertEquals("lockmap.byte/v1/1B", Serializers.bytes().fingerprint().toString());
        assertEquals("lockmap.double/v1/8B", Serializers.doubles().fingerprint().toString());
        assertEquals("lockmap.float/v1/4B", Serializers.floats().fingerprint().toString());
        assertEquals("lockmap.boolean/v1/1B", Serializers.booleans().fingerprint().toString());
        assertEquals("lockmap.char/v1/2B", Serializers.chars().fingerprint().toString());
        assertEquals("lockmap.string.utf8/v1/var", Serializers.strings().fingerprint().toString());
        assertEquals("lockmap.byte-array/v1/var", Serializers.byteArrays().fingerprint().toString());
        assertEquals("lockmap.byte-buffer/v1/var", Serializers.byteBuffers().fingerprint().toString());
        assertEquals("lockmap.uuid/v1/16B", Serializers.uuids().fingerprint().toString());
        assertEquals("lockmap.instant/v1/12B", Serializers.instants().fingerprint().toString());
        // The 64-bit hashes a map file stores: a different value here means existing files no longer open.
        assertEquals(0x722967b4f334a1d1L, Serializers.longs().fingerprint().hash64());
        assertEquals(0x80d0dab0c43284a0L, Serializers.strings().fingerprint().hash64());
    }

    @Test
    void everyBuiltInHasItsOwnFingerprint()
    {
        final List<Serializer<?>> all = List.of(
            Serializers.longs(), Serializers.ints(), Serializers.shorts(), Serializers.bytes(), Serializers.doubles(),
            Serializers.floats(), Serializers.booleans(), Serializers.chars(), Serializers.strings(),
            Serializers.byteArrays(), Serializers.byteBuffers(), Serializers.uuids(), Serializers.instants(),
            Serializers.enums(Colour.class), Serializers.records(Point.class));
        final Set<Long> hashes = new HashSet<>();
        for (final Serializer<?> serializer : all)
        {
            assertTrue(hashes.add(serializer.fingerprint().hash64()), serializer.toString());
            assertEquals(serializer.fixedSize(), serializer.fingerprint().fixedSize(), serializer.toString());
        }
    }

    @Test
    void enumFingerprintsListTheConstantsInOrder()
    {
        assertEquals("lockmap.enum:" + Colour.class.getName() + "[RED,GREEN,BLUE]",
            Serializers.enums(Colour.class).fingerprint().name());
        final SerializerFingerprint original = EnumSerializer.fingerprint("x.Side", new String[]{ "BUY", "SELL" });
        final SerializerFingerprint reordered = EnumSerializer.fingerprint("x.Side", new String[]{ "SELL", "BUY" });
        final SerializerFingerprint added = EnumSerializer.fingerprint("x.Side", new String[]{ "BUY", "SELL", "SHORT" });
        assertNotEquals(original.hash64(), reordered.hash64());
        assertNotEquals(original.hash64(), added.hash64());
        assertEquals(original, EnumSerializer.fingerprint("x.Side", new String[]{ "BUY", "SELL" }));
    }

    record PointXY(int x, int y)
    {
    }

    record PointYX(int y, int x)
    {
    }

    record PointLong(long x, int y)
    {
    }

    @Test
    void recordFingerprintsNameEveryComponentAndType()
    {
        assertEquals("lockmap.record:" + Point.class.getName() +
                "(x:int=lockmap.int/v1/4B,y:int=lockmap.int/v1/4B)",
            Serializers.records(Point.class).fingerprint().name());
        assertEquals(8, Serializers.records(Point.class).fingerprint().fixedSize());

        final String nested = Serializers.records(TestTypes.Nested.class).fingerprint().name();
        assertTrue(nested.contains("corner:" + Point.class.getName() + "=lockmap.record:" + Point.class.getName() +
            "(x:int"), nested);
        assertTrue(nested.contains("colour:" + Colour.class.getName() + "=lockmap.enum:"), nested);

        final String xy = Serializers.records(PointXY.class).fingerprint().name();
        final String yx = Serializers.records(PointYX.class).fingerprint().name();
        final String longX = Serializers.records(PointLong.class).fingerprint().name();
        // Same class-name length and layout: only the component names / types tell them apart.
        assertNotEquals(xy.substring(xy.indexOf('(')), yx.substring(yx.indexOf('(')));
        assertNotEquals(xy.substring(xy.indexOf('(')), longX.substring(longX.indexOf('(')));
    }
}
