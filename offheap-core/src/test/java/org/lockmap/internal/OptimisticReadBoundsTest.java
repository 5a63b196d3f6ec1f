package org.lockmap.internal;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.lockmap.serialization.Serializers;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by review: a lock-free reader of a variable-size-key, fixed-size-value map computed the value's
 * address from the entry's key length read a second time, after its bounds check; a removed entry whose
 * block was reused meanwhile (here: a thread overwriting the key length) sent it past its chunk, and the
 * JVM died. Every read must stay inside what was checked, whatever the entry holds.
 */
class OptimisticReadBoundsTest
{
    @Test
    void aGarbageKeyLengthWrittenMidReadNeverMakesTheReaderFault() throws Exception
    {
        final EntryLayout layout = new EntryLayout(Serializers.strings(), Serializers.longs(), 0);
        final Shard shard = new Shard(0, layout, new ParkingLot(), 64 * 1024, 16, -1);
        final Scratch scratch = Scratch.get();
        scratch.setKey(Serializers.strings(), "the key", 1024);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
        value.putLong(0, 42L);
        shard.lockOpen();
        final long entry;
        try
        {
            entry = shard.address(shard.insert(scratch.key, scratch.keyLength, scratch.keyHash));
            shard.values().commit(entry, value, 8);
            // Free, or this thread's reads of its own held key would all be retries under the lock.
            shard.releaseKey(entry);
        }
        finally
        {
            shard.unlock();
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final int trueLength = scratch.keyLength;
        final Thread scribbler = new Thread(() ->
        {
            while (!stop.get())
            {
                // What a reused block could hold where the key length was.
                UnsafeApi.putIntVolatile(null, entry + layout.keyLengthOffset, 0x7FFF_FF00);
                UnsafeApi.putIntVolatile(null, entry + layout.keyLengthOffset, trueLength);
            }
        });
        scribbler.start();
        int found = 0;
        try
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
            final long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end)
            {
                final int result = shard.readOptimistic(scratch.key, trueLength, scratch.keyHash, out);
                assertTrue(result == 8 || result == Shard.RETRY || result == Shard.ABSENT, "result " + result);
                if (result == 8)
                {
                    assertEquals(42L, out.getLong(0));
                    found++;
                }
            }
        }
        finally
        {
            stop.set(true);
            scribbler.join();
            shard.lockAny();
            final boolean release = shard.close();
            shard.unlock();
            if (release)
            {
                shard.releaseMemory();
            }
        }
        assertTrue(found > 0, "the reader never read the value");
    }
}
