package org.lockmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A JVM started without one of LockMap's two flags gets an error that names the missing flag, from
 * {@code build()}, instead of an obscure linkage error or a crash. Each case runs in a child JVM.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MissingJvmFlagTest
{
    private static final String ADD_EXPORTS = "java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    @Test
    void withoutTheAddExportsFlagBuildNamesIt() throws Exception
    {
        final String output = runChild(List.of(NATIVE_ACCESS));
        assertTrue(output.contains("--add-exports " + ADD_EXPORTS), output);
        assertTrue(output.contains("IllegalStateException"), output);
    }

    @Test
    void withoutTheNativeAccessFlagBuildNamesIt() throws Exception
    {
        final String output = runChild(List.of("--add-exports", ADD_EXPORTS));
        assertTrue(output.contains(NATIVE_ACCESS), output);
        assertTrue(output.contains("IllegalStateException"), output);
    }

    @Test
    void withBothFlagsTheChildBuildsAMap() throws Exception
    {
        final String output = runChild(List.of("--add-exports", ADD_EXPORTS, NATIVE_ACCESS));
        assertTrue(output.contains("built"), output);
    }

    /**
     * On the module path the export goes to Agrona's module and native access to LockMap's: the error
     * must name those, not the class path's ALL-UNNAMED, which would not help.
     */
    @Test
    void onTheModulePathTheErrorsNameTheModules() throws Exception
    {
        final String noExport = runOnModulePath(List.of("--enable-native-access=org.lockmap.core"));
        assertTrue(noExport.contains("--add-exports java.base/jdk.internal.misc=org.agrona"), noExport);
        assertFalse(noExport.contains("ALL-UNNAMED"), noExport);
        final String noNative = runOnModulePath(List.of("--add-exports", "java.base/jdk.internal.misc=org.agrona"));
        assertTrue(noNative.contains("--enable-native-access=org.lockmap.core"), noNative);
        assertFalse(noNative.contains("ALL-UNNAMED"), noNative);
        final String both = runOnModulePath(List.of(
            "--add-exports", "java.base/jdk.internal.misc=org.agrona", "--enable-native-access=org.lockmap.core"));
        assertTrue(both.contains("built in module org.lockmap.core"), both);
    }

    private static String runOnModulePath(final List<String> flags) throws Exception
    {
        final List<String> modules = new ArrayList<>();
        final List<String> classes = new ArrayList<>();
        for (final String entry : testClassPath().split(File.pathSeparator))
        {
            final String name = entry.replace('\\', '/');
            final boolean module = name.contains("/agrona") || name.contains("serialization") ||
                name.endsWith("offheap-core/target/classes");
            (module ? modules : classes).add(entry);
        }
        final List<String> command = new ArrayList<>(flags);
        command.addAll(List.of("-p", String.join(File.pathSeparator, modules), "--add-modules", "org.lockmap.core",
            "-cp", String.join(File.pathSeparator, classes), org.lockmap.modulepath.BuildOneMapMain.class.getName()));
        return run(command);
    }

    private static String testClassPath()
    {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static String runChild(final List<String> flags) throws Exception
    {
        final List<String> command = new ArrayList<>(flags);
        command.addAll(List.of("-cp", testClassPath(), BuildOneMap.class.getName()));
        return run(command);
    }

    private static String run(final List<String> arguments) throws Exception
    {
        final String java = ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        final List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(arguments);
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] bytes = child.getInputStream().readAllBytes();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        return "exit=" + child.exitValue() + "\n" + new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The child: builds a map and says so, or prints the exception.
     */
    public static final class BuildOneMap
    {
        private BuildOneMap()
        {
        }

        /**
         * @param args unused.
         */
        public static void main(final String[] args)
        {
            try (LockMap<Long, Long> map = LockMap.builder(
                org.lockmap.serialization.Serializers.longs(), org.lockmap.serialization.Serializers.longs()).build())
            {
                map.put(1L, 1L);
                System.out.println("built");
            }
            catch (final Throwable ex)
            {
                System.out.println(ex);
                System.exit(1);
            }
        }
    }
}
