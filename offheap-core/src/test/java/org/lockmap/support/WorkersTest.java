package org.lockmap.support;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadlock detector the concurrency tests rely on must still fail when a worker never finishes.
 */
class WorkersTest
{
    @Test
    void aWorkerThatNeverFinishesFailsTheRunWithEveryThreadsStack()
    {
        final CountDownLatch never = new CountDownLatch(1);
        final long start = System.nanoTime();
        final AssertionError error = assertThrows(AssertionError.class, () ->
            Workers.run(2, Duration.ofMillis(300), t ->
            {
                if (t == 1)
                {
                    never.await();
                }
            }));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        assertTrue(error.getMessage().contains("1 of 2 workers did not finish"), error.getMessage());
        assertTrue(error.getMessage().contains("all threads:"), error.getMessage());
        assertTrue(error.getMessage().contains("CountDownLatch.await"), error.getMessage());
    }
}
