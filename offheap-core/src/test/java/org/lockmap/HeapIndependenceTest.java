package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Heap use does not grow with the entry count: five million Long to Long entries fit, and are iterated
 * over, in a child JVM whose heap is 64 MB.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeapIndependenceTest
{
    @Test
    void fiveMillionEntriesFitInA64MegabyteHeap() throws Exception
    {
        runChild("5000000");
    }

    /**
     * All five million in one shard: an iteration that copied a shard's keys at once would need about
     * 150 MB of heap for them.
     */
    @Test
    void iteratingFiveMillionEntriesOfOneShardFitsInA64MegabyteHeap() throws Exception
    {
        runChild("5000000", "1");
    }

    /** Runs {@link HeapBoundMain} with a 64 MB heap and checks that it saw every entry once. */
    private static void runChild(final String... args) throws Exception
    {
        final String java = ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        // Surefire may hand the forked JVM a manifest-only jar; it publishes the real class path too.
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final Path output = Files.createTempFile("heap-bound", ".log");
        try
        {
            final List<String> command = new ArrayList<>(List.of(
                java, "-Xmx64m",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath,
                HeapBoundMain.class.getName()));
            command.addAll(List.of(args));
            final Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            if (!child.waitFor(150, TimeUnit.SECONDS))
            {
                child.destroyForcibly();
                fail("the child JVM did not finish in 150 s; output:\n" + tail(output));
            }
            final String log = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), "child JVM exit code; output:\n" + tail(output));
            final long n = Long.parseLong(args[0]);
            assertTrue(log.contains("size=" + n), "child output lacks size=" + n + ":\n" + tail(output));
            // Keys 0 .. n - 1, each mapped to its negation: n entries whose keys sum to n(n - 1)/2, none
            // with another key's value.
            assertTrue(log.contains("iterated=" + n + " keySum=" + n * (n - 1) / 2 + " mismatched=0"),
                "child did not iterate each entry once with its own value:\n" + tail(output));
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    private static String tail(final Path output) throws java.io.IOException
    {
        final String log = Files.readString(output, StandardCharsets.UTF_8);
        return log.length() <= 4000 ? log : "..." + log.substring(log.length() - 4000);
    }
}
