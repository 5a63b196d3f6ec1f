package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Heap use does not grow with the entry count: five million Long to Long entries fit in a child JVM
 * whose heap is 64 MB.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeapIndependenceTest
{
    @Test
    void fiveMillionEntriesFitInA64MegabyteHeap() throws Exception
    {
        final String java = ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        // Surefire may hand the forked JVM a manifest-only jar; it publishes the real class path too.
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final Path output = Files.createTempFile("heap-bound", ".log");
        try
        {
            final Process child = new ProcessBuilder(List.of(
                java, "-Xmx64m",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath,
                HeapBoundMain.class.getName(), "5000000"))
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
            assertTrue(log.contains("size=5000000"), "child output lacks size=5000000:\n" + tail(output));
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
