package org.lockmap.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link BatchKey#indexOf} searches in exactly the order {@link BatchKey#order} sorts by. Real keys almost
 * never share a 64-bit hash, so the byte comparison behind the hash is tested here with hand-made keys
 * that do: prefixes, the empty key, and bytes that differ only as unsigned values.
 */
class BatchKeyTest
{
    private static final long SHARED = 0x8000_0000_0000_0001L;

    private static BatchKey<String> key(final String name, final long hash, final int... bytes)
    {
        final byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            b[i] = (byte)bytes[i];
        }
        return new BatchKey<>(name, b, hash);
    }

    @Test
    void findsEveryKeyAmongKeysThatShareAHashAndMissesTheOthers()
    {
        final List<BatchKey<String>> keys = new ArrayList<>(List.of(
            key("b", SHARED, 'b'),
            key("abc", SHARED, 'a', 'b', 'c'),
            key("empty", SHARED),
            key("ab", SHARED, 'a', 'b'),
            key("high", SHARED, 0xFF),
            key("low", SHARED, 0x01),
            key("smaller hash", 1L, 'a', 'b'),
            key("larger hash (negative signed)", -1L, 'a', 'b')));
        keys.sort(null);
        assertEquals(List.of("smaller hash", "empty", "low", "ab", "abc", "b", "high", "larger hash (negative signed)"),
            keys.stream().map(BatchKey::key).toList(), "hash unsigned, then bytes unsigned, a prefix first");
        for (int i = 0; i < keys.size(); i++)
        {
            final BatchKey<String> k = keys.get(i);
            // Searched with a longer buffer than the key, as the scratch's is: only length bytes count.
            final byte[] buffer = java.util.Arrays.copyOf(k.bytes(), k.bytes().length + 5);
            buffer[k.bytes().length] = 'z';
            assertEquals(i, BatchKey.indexOf(keys, buffer, k.bytes().length, k.hash()), k.key());
        }
        assertEquals(-1, BatchKey.indexOf(keys, new byte[] {'a'}, 1, SHARED), "a prefix of two keys");
        assertEquals(-1, BatchKey.indexOf(keys, new byte[] {'a', 'b', 'c', 'd'}, 4, SHARED), "a key's extension");
        assertEquals(-1, BatchKey.indexOf(keys, new byte[] {(byte)0x80}, 1, SHARED), "between low and high");
        assertEquals(-1, BatchKey.indexOf(keys, new byte[] {'b'}, 1, 2L), "the bytes of a key, another hash");
    }
}
