package org.lockmap.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The short report: runs {@link MapBenchmark} for every map at 1 and 2 threads through the JMH Runner API,
 * with a short configuration (1 fork, warm-up 2 x 0.5 s, measurement 3 x 0.8 s, {@code -prof gc}), then the
 * {@link MemoryFootprint} of each map in its own JVM, and prints two tables.
 *
 * <p>Two key harnesses ({@link MapBenchmark#access}). The main table uses {@code sequential}: the key
 * array walked in order, so the key is at hand (as one parsed from an incoming message is) while every map
 * still sees uniformly random keys. The locked read-modify-write is measured a second time for LockMap and
 * Chronicle Map with {@code random}, where the benchmark first loads a boxed key from a random index: two
 * dependent cache misses of the benchmark's own, a few hundred ns added to both maps, which is why those
 * ratios sit nearer 1. Both verdicts are printed.
 *
 * <p>The iterations are short because 22 forks (the 3 operations, get, put and rmw, x 3 maps x 2
 * thread counts, and the 4 {@code random} rmw ones) must fit in 3 minutes on 2 cores, and each fork costs
 * 1.5 to 3.5 s beyond its iterations (JVM start, 1M-entry prefill, Chronicle's run-time compilation);
 * {@code set} joins with {@code -Dreport.ops=get,put,set,rmw}. Use the uber jar with JMH's defaults for
 * numbers to publish.
 *
 * <p>Run it with {@code mvn -q -pl benchmarks -am package -DskipTests -Preport}, or from the uber jar:
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * -Dchronicle.analytics.disable=true -cp benchmarks/target/benchmarks.jar org.lockmap.bench.Report}.
 *
 * <p>System properties (all optional): {@code report.threads=1,2}, {@code report.maps=LockMap,CHM,Chronicle},
 * {@code report.ops=get,put,rmw} (also {@code set}), {@code report.access=sequential} (the main table's
 * harness; {@code random} runs everything with the other one), {@code report.randomOps=rmw} (the operations
 * also measured with {@code random} for LockMap and Chronicle Map; empty for none),
 * {@code report.entries=1000000}, {@code report.warmup=2},
 * {@code report.iterations=3}, {@code report.warmupMillis=500}, {@code report.iterationMillis=800} (the same
 * defaults as the {@code report} profile in benchmarks/pom.xml, which passes its own),
 * {@code report.forks=1},
 * {@code report.footprint=true}, {@code report.verbose=NORMAL} (JMH's SILENT, NORMAL or EXTRA),
 * {@code report.lockWaitSeconds=600} (how long to wait for another JMH run on the machine to end).
 * JMH's JSON results go to {@code target/jmh-report-t<threads>-<access>.json} under the working directory.
 *
 * <p>Every JMH fork and footprint JVM gets {@link JvmFlags#all()} whatever flags this launcher had; the
 * launcher itself needs only LockMap's two (it never touches a map).
 */
public final class Report
{
    private static final List<String> SHORT_RUN_OPS = List.of("get", "put", "rmw");
    private static final List<String> ALL_MAPS = List.of(BenchMap.LOCKMAP, BenchMap.CHM, BenchMap.CHRONICLE);

    private Report()
    {
    }

    /** MapBenchmark's key harness that walks the key array in order: the key at hand, the map's keys still uniform. */
    static final String SEQUENTIAL = "sequential";
    /** MapBenchmark's key harness that loads a boxed key at a random index: two misses of its own per operation. */
    static final String RANDOM = "random";

    /** One JMH run per thread count: these operations of these maps with this key harness. */
    record Pass(String access, List<String> ops, List<String> maps)
    {
    }

    /** One measured cell: throughput with its error, and allocation per operation. */
    record Cell(double score, double error, double allocPerOp)
    {
    }

    /**
     * @param args ignored; see the class comment for the system properties.
     * @throws Exception if the runner cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        final long start = System.nanoTime();
        final List<Integer> threads = Arrays.stream(prop("report.threads", "1,2").split(","))
            .map(String::trim).map(Integer::valueOf).toList();
        final List<String> maps = list(prop("report.maps", String.join(",", ALL_MAPS)));
        final List<String> ops = list(prop("report.ops", String.join(",", SHORT_RUN_OPS)));
        final int entries = Integer.parseInt(prop("report.entries", "1000000").replace("_", ""));
        final int warmup = Integer.parseInt(prop("report.warmup", "2"));
        final int iterations = Integer.parseInt(prop("report.iterations", "3"));
        final int warmupMillis = Integer.parseInt(prop("report.warmupMillis", "500"));
        final int iterationMillis = Integer.parseInt(prop("report.iterationMillis", "800"));
        final int forks = Integer.parseInt(prop("report.forks", "1"));
        final boolean footprint = Boolean.parseBoolean(prop("report.footprint", "true"));
        final String access = prop("report.access", SEQUENTIAL);
        if (!SEQUENTIAL.equals(access) && !RANDOM.equals(access))
        {
            // MapBenchmark's Picker takes anything but "sequential" for random keys: a typo would mislabel the table.
            throw new IllegalArgumentException("report.access must be " + SEQUENTIAL + " or " + RANDOM + ", not " + access);
        }
        final List<String> randomOps = list(prop("report.randomOps", "rmw"));
        final List<Pass> passes = new ArrayList<>();
        passes.add(new Pass(access, ops, maps));
        final List<String> randomMaps = maps.stream().filter(m -> !BenchMap.CHM.equals(m)).toList();
        if (!RANDOM.equals(access) && !randomOps.isEmpty() && !randomMaps.isEmpty())
        {
            passes.add(new Pass(RANDOM, randomOps, randomMaps));
        }

        final List<String> forkArgs = new ArrayList<>(JvmFlags.all());
        forkArgs.addAll(JvmFlags.heap());
        System.out.println("LockMap report: launcher JVM java.version=" + System.getProperty("java.version") +
            " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.home") + ")");
        final String seconds = String.format(Locale.ROOT, "%.1f s", iterationMillis / 1000.0);
        System.out.println("  launcher flags: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("  JMH: " + forks + " fork(s) per benchmark, warm-up " + warmup + " x " + warmupMillis +
            " ms, measurement " + iterations + " x " + iterationMillis + " ms, threads " + threads + ", " + entries +
            " entries, -prof gc, flags " + forkArgs);
        System.out.println("  key harness: " + passes.stream().map(p -> "access=" + p.access + " for " + p.ops + " of " +
            p.maps).toList() + " (" + SEQUENTIAL + ": the key at hand, as one parsed from a message; " + RANDOM +
            ": a boxed key loaded from a random index first, two cache misses of the benchmark's own)");
        System.out.println("  cores available: " + Runtime.getRuntime().availableProcessors());

        final Path results = Path.of("target");
        java.nio.file.Files.createDirectories(results);
        final Map<String, Cell> cells = new HashMap<>();
        long waitedNs = 0;
        for (final int t : threads)
        {
            for (final Pass pass : passes)
            {
                final ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + MapBenchmark.class.getName().replace(".", "\\.") + "\\.(" + String.join("|", pass.ops) + ")$")
                    .param("map", pass.maps.toArray(String[]::new))
                    .param("access", pass.access)
                    .param("entries", Integer.toString(entries))
                    .threads(t)
                    .forks(forks)
                    .warmupIterations(warmup)
                    .warmupTime(TimeValue.milliseconds(warmupMillis))
                    .measurementIterations(iterations)
                    .measurementTime(TimeValue.milliseconds(iterationMillis))
                    .timeUnit(TimeUnit.MICROSECONDS)
                    .jvmArgsAppend(forkArgs.toArray(String[]::new))
                    .addProfiler(GCProfiler.class)
                    .shouldFailOnError(false)
                    .verbosity(VerboseMode.valueOf(prop("report.verbose", "NORMAL")))
                    .resultFormat(ResultFormatType.JSON)
                    .result(results.resolve("jmh-report-t" + t + "-" + pass.access + ".json").toString());
                try
                {
                    waitedNs += awaitJmhLock(Integer.parseInt(prop("report.lockWaitSeconds", "600")));
                    for (final RunResult r : new Runner(options.build()).run())
                    {
                        final String benchmark = r.getParams().getBenchmark();
                        final String op = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                        final Result<?> primary = r.getPrimaryResult();
                        final Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
                        cells.put(key(op, pass.access, t, r.getParams().getParam("map")), new Cell(
                            primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()));
                    }
                }
                catch (final RunnerException e)
                {
                    System.out.println("JMH run at " + t + " thread(s), access=" + pass.access + " failed: " +
                        MemoryFootprint.oneLine(e));
                }
            }
        }

        final Map<String, String> footprints = new LinkedHashMap<>();
        if (footprint)
        {
            for (final String map : maps)
            {
                footprints.put(map, footprintInOwnJvm(map, entries));
            }
        }

        System.out.println();
        printThroughput(cells, passes, threads, maps, iterations, seconds);
        if (footprint)
        {
            printFootprint(footprints, entries);
        }
        System.out.printf(Locale.ROOT, "%nReport took %.0f s%s.%n", (System.nanoTime() - start - waitedNs) / 1e9,
            waitedNs > 1e9 ? String.format(Locale.ROOT, ", after %.0f s waiting for another JMH run", waitedNs / 1e9) : "");
        if (cells.isEmpty())
        {
            System.out.println("No benchmark produced a result: see the JMH output above.");
            System.exit(1);
        }
    }

    /**
     * JMH refuses to start while another JMH run on the machine holds its lock file, so that two runs never
     * measure each other. On a shared machine wait for it (bounded) instead of failing at once.
     *
     * @param seconds how long to wait at most.
     * @return nanoseconds waited.
     */
    private static long awaitJmhLock(final int seconds) throws InterruptedException
    {
        final long begin = System.nanoTime();
        final Path lock = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean told = false;
        while (true)
        {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lock,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = channel.tryLock())
            {
                if (held != null)
                {
                    return System.nanoTime() - begin;
                }
            }
            catch (final java.io.IOException | java.nio.channels.OverlappingFileLockException e)
            {
                return System.nanoTime() - begin; // Let JMH report whatever is wrong with the lock file.
            }
            if (System.nanoTime() > deadline)
            {
                return System.nanoTime() - begin; // JMH will say that another instance is running.
            }
            if (!told)
            {
                System.out.println("Another JMH run holds " + lock + ": waiting up to " + seconds + " s for it to end...");
                told = true;
            }
            Thread.sleep(1000);
        }
    }

    private static void printThroughput(
        final Map<String, Cell> cells,
        final List<Pass> passes,
        final List<Integer> threads,
        final List<String> maps,
        final int iterations,
        final String seconds)
    {
        System.out.println("== Throughput, ops/us (sum over threads; +- is JMH's 99.9% error over " + iterations + " x " +
            seconds + ", short run: indicative only) and allocation, B/op (gc.alloc.rate.norm) ==");
        final StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-5s %-10s %3s", "op", "access", "thr"));
        for (final String map : maps)
        {
            header.append(String.format(Locale.ROOT, " | %-22s", map + " ops/us (B/op)"));
        }
        header.append(" | LockMap/CHM | LockMap/Chronicle");
        System.out.println(header);
        System.out.println("-".repeat(header.length()));
        for (final Pass pass : passes)
        {
            for (final String op : pass.ops)
            {
                for (final int t : threads)
                {
                    final StringBuilder row = new StringBuilder(
                        String.format(Locale.ROOT, "%-5s %-10s %3d", op, pass.access, t));
                    for (final String map : maps)
                    {
                        final Cell c = cells.get(key(op, pass.access, t, map));
                        final String text = !pass.maps.contains(map) ? "-" : c == null ? "n/a (failed)" :
                            String.format(Locale.ROOT, "%7.2f +-%5.2f (%s)", c.score, c.error, bytes(c.allocPerOp));
                        row.append(" | ").append(String.format(Locale.ROOT, "%-22s", text));
                    }
                    row.append(" | ").append(String.format(Locale.ROOT, "%-11s",
                        pass.maps.contains(BenchMap.CHM) ? ratio(cells, op, pass.access, t, BenchMap.CHM) : "-"));
                    row.append(" | ").append(ratio(cells, op, pass.access, t, BenchMap.CHRONICLE));
                    System.out.println(row);
                }
            }
        }
        System.out.println();
        System.out.println("Targets, checked on these numbers (a short run on a shared machine is not a verdict; " +
            "'noisy' means an error bar above 20% of its score):");
        for (final Pass pass : passes)
        {
            for (final String op : pass.ops)
            {
                final double goal = "rmw".equals(op) ? 1.5 : 1.0;
                for (final int t : threads)
                {
                    final Cell lm = cells.get(key(op, pass.access, t, BenchMap.LOCKMAP));
                    final Cell cm = cells.get(key(op, pass.access, t, BenchMap.CHRONICLE));
                    String verdict = "n/a";
                    if (lm != null && cm != null)
                    {
                        verdict = String.format(Locale.ROOT, "%s (%.2fx)",
                            lm.score / cm.score >= goal ? "met" : "NOT met", lm.score / cm.score);
                        if (noisy(lm) || noisy(cm))
                        {
                            verdict += ", noisy";
                        }
                    }
                    System.out.printf(Locale.ROOT, "  %-5s %-10s %d thr: LockMap >= %.1fx Chronicle: %s%n",
                        op, pass.access, t, goal, verdict);
                }
            }
        }
        final int boxed = boxedLongBytes();
        final Pass main = passes.getFirst();
        for (final String op : List.of("get", "put", "set"))
        {
            if (!main.ops.contains(op))
            {
                continue;
            }
            final int results = "set".equals(op) ? 0 : 1;
            for (final int t : threads)
            {
                final Cell lm = cells.get(key(op, main.access, t, BenchMap.LOCKMAP));
                String verdict = "n/a";
                if (lm != null && !Double.isNaN(lm.allocPerOp))
                {
                    final double own = lm.allocPerOp - results * boxed;
                    verdict = String.format(Locale.ROOT, "%s (%.0f B/op measured - %d B/op of boxed result = %.0f)",
                        own < 1.0 ? "met" : "NOT met", lm.allocPerOp, results * boxed, own);
                }
                System.out.printf(Locale.ROOT, "  %-5s %d thr: LockMap allocates nothing of its own: %s%n", op, t, verdict);
            }
        }
        System.out.println("  (get/put of LockMap and Chronicle return a newly decoded Long, " + boxed + " B with this " +
            "JVM's object header: the API's result, not the map's; CHM returns the stored object.)");
        if (passes.size() > 1)
        {
            System.out.println("  (The " + RANDOM + " rows pay the benchmark's own two dependent misses, a few hundred ns, " +
                "on top of each map's operation, which pulls their ratios towards 1; see the README.)");
        }
    }

    private static boolean noisy(final Cell c)
    {
        return !(c.error <= 0.2 * c.score);
    }

    /**
     * @return the size of a {@code Long}: 24 bytes (12-byte header, 8-byte aligned value), or 16 with
     *         compact object headers. The forks inherit this launcher's flags, so its setting is theirs.
     */
    private static int boxedLongBytes()
    {
        try
        {
            final com.sun.management.HotSpotDiagnosticMXBean hotspot =
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(hotspot.getVMOption("UseCompactObjectHeaders").getValue()) ? 16 : 24;
        }
        catch (final RuntimeException e)
        {
            return 24;
        }
    }

    private static void printFootprint(final Map<String, String> footprints, final int entries)
    {
        System.out.println();
        System.out.println("== Memory per entry, " + entries + " Long->Long entries (each map in its own JVM) ==");
        System.out.printf(Locale.ROOT, "%-10s | %10s | %-26s | %14s | %14s%n",
            "map", "B/entry", "measured by", "heap delta MB", "RSS delta MB");
        for (final Map.Entry<String, String> e : footprints.entrySet())
        {
            final Map<String, String> f = fields(e.getValue());
            if (f.containsKey("perEntry"))
            {
                System.out.printf(Locale.ROOT, "%-10s | %10s | %-26s | %14.1f | %14.1f%n", e.getKey(), f.get("perEntry"),
                    f.get("source").replace('_', ' '), Long.parseLong(f.get("heapDelta")) / 1048576.0,
                    Long.parseLong(f.get("rssDelta")) / 1048576.0);
            }
            else
            {
                System.out.printf(Locale.ROOT, "%-10s | failed: %s%n", e.getKey(), f.getOrDefault("error", e.getValue()));
            }
        }
        System.out.println("  (CHM's bytes include its boxed keys and values; off-heap maps are measured by their own " +
            "API; RSS delta counts touched pages plus any JIT/metaspace growth during the fill.)");
    }

    private static String footprintInOwnJvm(final String map, final int entries)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.all());
        command.addAll(JvmFlags.heap());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MemoryFootprint.class.getName());
        command.add("entries=" + entries);
        command.add(map);
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String result = null;
            final StringBuilder other = new StringBuilder();
            try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = out.readLine(); line != null; line = out.readLine())
                {
                    if (line.startsWith("FOOTPRINT "))
                    {
                        result = line;
                    }
                    else if (other.length() < 4000)
                    {
                        other.append("    ").append(line).append('\n');
                    }
                }
            }
            final int exit = process.waitFor();
            if (!other.isEmpty())
            {
                System.out.print("  footprint JVM for " + map + " said:\n" + other);
            }
            return result != null ? result : "FOOTPRINT map=" + map + " error=exit_" + exit;
        }
        catch (final Exception e)
        {
            return "FOOTPRINT map=" + map + " error=" + MemoryFootprint.oneLine(e);
        }
    }

    private static Map<String, String> fields(final String line)
    {
        final Map<String, String> fields = new HashMap<>();
        final String body = line.substring("FOOTPRINT ".length());
        final int error = body.indexOf("error=");
        if (error >= 0)
        {
            fields.put("error", body.substring(error + "error=".length()));
            return fields;
        }
        for (final String field : body.split(" "))
        {
            final int eq = field.indexOf('=');
            if (eq > 0)
            {
                fields.put(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        return fields;
    }

    private static String ratio(
        final Map<String, Cell> cells, final String op, final String access, final int threads, final String peer)
    {
        final Cell lm = cells.get(key(op, access, threads, BenchMap.LOCKMAP));
        final Cell other = cells.get(key(op, access, threads, peer));
        return lm == null || other == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", lm.score / other.score);
    }

    private static String bytes(final double perOp)
    {
        return Double.isNaN(perOp) ? "?" : String.format(Locale.ROOT, "%.0f", perOp);
    }

    private static String key(final String op, final String access, final int threads, final String map)
    {
        return op + '/' + access + '/' + threads + '/' + map;
    }

    private static String prop(final String name, final String otherwise)
    {
        return System.getProperty(name, otherwise);
    }

    private static List<String> list(final String csv)
    {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
