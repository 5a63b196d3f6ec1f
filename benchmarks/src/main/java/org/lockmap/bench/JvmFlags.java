package org.lockmap.bench;

import java.util.List;

/**
 * The JVM flags every benchmark JVM gets: the launcher, each JMH fork, and the memory-footprint process.
 *
 * <p>LockMap needs two: Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}, and the FFM API maps files and
 * calls futex. Chronicle Map (2026.1 on JDK 25) needs the {@code CHRONICLE_*} ones, found one by one on JDK 25.0.3:
 * each is commented with what fails or warns without it.
 *
 * <p>The constants are compile-time strings so that {@code @Fork(jvmArgsAppend = ...)} can name them.
 */
public final class JvmFlags
{
    /** Agrona's {@code UnsafeApi} uses {@code jdk.internal.misc.Unsafe}. */
    public static final String LOCKMAP_UNSAFE = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** The FFM API: mapped files larger than 2 GB, the futex system call. */
    public static final String LOCKMAP_NATIVE = "--enable-native-access=ALL-UNNAMED";
    /** Chronicle sends usage analytics unless told not to (the dependency is also excluded in the pom). */
    public static final String CHRONICLE_NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    /**
     * Chronicle Map compiles code at run time with javac (Java-Runtime-Compiler); without it
     * {@code create()} fails: InaccessibleObjectException on {@code JavacFileManager.listLocationsForModules}.
     */
    public static final String CHRONICLE_JAVAC = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    /**
     * Chronicle Values defines the compiled classes with {@code ClassLoader.defineClass}; without it
     * {@code create()} fails: ExceptionInInitializerError in {@code ValueModel}.
     */
    public static final String CHRONICLE_DEFINE_CLASS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /**
     * Chronicle Core's {@code Jvm.setAccessible} reaches {@code AccessibleObject.setAccessible0}; without it
     * {@code create()} fails: IllegalAccessException on a private field of {@code ChronicleMapBuilder}.
     */
    public static final String CHRONICLE_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Chronicle Core frees direct buffers through {@code jdk.internal.ref.Cleaner}; without it: a warning. */
    public static final String CHRONICLE_CLEANER = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** Chronicle Core reads {@code sun.nio.ch.DirectBuffer}; without it: the same cleaner warning. */
    public static final String CHRONICLE_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /**
     * Cosmetic: silences JDK 24+'s one-time warning that jnr/jffi (pulled in by Chronicle's posix and
     * affinity modules) calls {@code sun.misc.Unsafe} memory-access methods. It changes no behaviour.
     */
    public static final String QUIET_SUN_MISC_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    /** The benchmark JVMs' heap: fixed, so that no run resizes it. */
    public static final String HEAP_MIN = "-Xms512m";
    /** See {@link #HEAP_MIN}: room for CHM's 1M entries and the boxed keys and values, about 130 MiB. */
    public static final String HEAP_MAX = "-Xmx512m";
    /**
     * Touches the whole heap at start-up. Without it, the first use of each heap page during the run
     * costs a page fault. On this project's 2-core Firecracker guests that is expensive enough to swing
     * a benchmark that allocates: LockMap's locked read-modify-write (then 152 B/op) went between 0.8 and 2.1
     * ops/µs within one fork as G1 moved eden onto pages never touched, against a steady 2.0 to 2.3 with
     * it. Low-latency deployments pre-touch their heap too. It costs about 0.27 s per fork at 512 MiB,
     * 0.5 s at 1 GiB and 1.6 to 2.8 s at 2 GiB; the short report starts 25 JVMs (22 forks, 3 footprints), so the heap is 512 MiB.
     */
    public static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    private JvmFlags()
    {
    }

    /**
     * @return every flag a benchmark JVM needs, LockMap's and Chronicle's, in the order they are passed.
     */
    public static List<String> all()
    {
        return List.of(LOCKMAP_UNSAFE, LOCKMAP_NATIVE, CHRONICLE_NO_ANALYTICS, CHRONICLE_JAVAC, CHRONICLE_DEFINE_CLASS,
            CHRONICLE_REFLECT, CHRONICLE_CLEANER, CHRONICLE_NIO, QUIET_SUN_MISC_UNSAFE);
    }

    /**
     * @return the heap flags of every benchmark and footprint JVM: {@link #HEAP_MIN}, {@link #HEAP_MAX},
     *         {@link #PRE_TOUCH}.
     */
    public static List<String> heap()
    {
        return List.of(HEAP_MIN, HEAP_MAX, PRE_TOUCH);
    }
}
