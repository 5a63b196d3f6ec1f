package org.lockmap.serialization;

import java.time.Instant;
import java.util.UUID;

/**
 * Enums and records used by the tests.
 */
final class TestTypes
{
    private TestTypes()
    {
    }

    enum Colour
    {
        RED, GREEN, BLUE
    }

    enum Empty
    {
    }

    enum Op
    {
        BUY
        {
            int sign()
            {
                return 1;
            }
        },
        SELL
        {
            int sign()
            {
                return -1;
            }
        };

        abstract int sign();
    }

    record Point(int x, int y)
    {
    }

    record AllPrimitives(long l, int i, short s, byte b, char c, boolean z, double d, float f)
    {
    }

    record Boxed(Long l, Integer i, Short s, Byte b, Character c, Boolean z, Double d, Float f)
    {
    }

    record Trade(long id, String symbol, int quantity, double price, Colour colour, UUID trader, Instant time)
    {
    }

    record Tail(String first, byte[] second, long fixedAfter, String third, int fixedLast)
    {
    }

    record Nested(Point corner, Trade trade, String label)
    {
    }

    record FixedNested(Point a, Point b, UUID id, Instant at, Colour colour)
    {
    }

    record Small(long id, String symbol, int quantity)
    {
    }

    record Single(String only)
    {
    }

    record NoComponents()
    {
    }

    record Validated(int quantity)
    {
        Validated
        {
            if (quantity < 0)
            {
                throw new IllegalArgumentException("quantity must not be negative: " + quantity);
            }
        }
    }

    record Unsupported(long id, java.util.List<String> tags)
    {
    }

    record Generic<T>(T value)
    {
    }

    record Recursive(int value, Recursive next)
    {
    }
}
