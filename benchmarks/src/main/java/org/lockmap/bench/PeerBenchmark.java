package org.lockmap.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The JMH settings of every benchmark that runs LockMap beside its peers, in one place (JMH reads these
 * annotations from a benchmark's superclass): throughput in ops/µs, one thread unless {@code -t} says
 * otherwise, and forks with the flags that LockMap and Chronicle Map need, Chronicle's analytics off, and
 * a pre-touched heap ({@link JvmFlags}). A fork's flags are these unless {@code -jvmArgsAppend} is given on
 * the command line, which replaces them all.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@Fork(value = 2, jvmArgsAppend = {
    JvmFlags.LOCKMAP_UNSAFE, JvmFlags.LOCKMAP_NATIVE, JvmFlags.CHRONICLE_NO_ANALYTICS, JvmFlags.CHRONICLE_JAVAC,
    JvmFlags.CHRONICLE_DEFINE_CLASS, JvmFlags.CHRONICLE_REFLECT, JvmFlags.CHRONICLE_CLEANER, JvmFlags.CHRONICLE_NIO,
    JvmFlags.QUIET_SUN_MISC_UNSAFE, JvmFlags.HEAP_MIN, JvmFlags.HEAP_MAX, JvmFlags.PRE_TOUCH})
public abstract class PeerBenchmark
{
}
