package org.lockmap.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Builds each map with {@code Long -> Long} entries and prints what one entry costs.
 *
 * <ul>
 *   <li>LockMap: {@code nativeMemoryBytes()} (native memory reserved from the OS) / entries.</li>
 *   <li>Chronicle Map: {@code offHeapMemoryUsed()} / entries (an in-memory map; Chronicle sizes its
 *       segments for the configured {@code entries} up front).</li>
 *   <li>ConcurrentHashMap: heap used after GC, minus heap used after GC before building it, / entries;
 *       this includes the boxed key and value of every entry, which the map alone keeps alive.</li>
 * </ul>
 *
 * Also printed for every map, as an indication only: the heap delta and the process's resident-set
 * delta (VmRSS from /proc, Linux only), which count pages actually touched and any JIT or metaspace
 * growth during the fill (a small map is built and closed first, to take one-time costs out). For clean RSS numbers run one map per JVM with a pre-touched fixed heap, as
 * {@link Report} does: {@code java [flags] -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp benchmarks.jar
 * org.lockmap.bench.MemoryFootprint LockMap}.
 *
 * <p>Usage: {@code MemoryFootprint [entries=1000000] [hint=N] [LockMap|CHM|Chronicle ...]} (all three when
 * none is named). {@code hint} builds the maps for N entries, then fills them with {@code entries}: how much
 * a map grown from a small hint costs (Chronicle Map does not grow far past the size it was built for, and
 * reports an error line).
 * Each result is one line beginning {@code FOOTPRINT} with {@code key=value} fields, for {@link Report} to parse.
 */
public final class MemoryFootprint
{
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final int WARM_UP_ENTRIES = 20_000;

    private MemoryFootprint()
    {
    }

    /**
     * @param args {@code entries=N} and map names.
     * @throws Exception if a map cannot be built.
     */
    public static void main(final String[] args) throws Exception
    {
        int entries = 1_000_000;
        int hint = -1;
        final java.util.ArrayList<String> maps = new java.util.ArrayList<>();
        for (final String arg : args)
        {
            if (arg.startsWith("entries="))
            {
                entries = Integer.parseInt(arg.substring("entries=".length()).replace("_", ""));
            }
            else if (arg.startsWith("hint="))
            {
                hint = Integer.parseInt(arg.substring("hint=".length()).replace("_", ""));
            }
            else
            {
                maps.add(arg);
            }
        }
        for (final String name : maps.isEmpty() ? List.of(BenchMap.LOCKMAP, BenchMap.CHRONICLE, BenchMap.CHM) : maps)
        {
            try
            {
                System.out.println(measure(name, entries, hint < 0 ? entries : hint));
            }
            catch (final Throwable t)
            {
                System.out.println("FOOTPRINT map=" + name + " error=" + oneLine(t));
                t.printStackTrace(System.err);
            }
        }
    }

    static String measure(final String name, final int entries) throws InterruptedException
    {
        return measure(name, entries, entries);
    }

    static String measure(final String name, final int entries, final int hint) throws InterruptedException
    {
        // A small map first, so that one-time costs (class loading, Chronicle's run-time compilation, JIT) land
        // before the "before" snapshot and the RSS delta is the big map's.
        try (BenchMap<Long> warm = BenchMap.create(name, WARM_UP_ENTRIES, false))
        {
            for (int i = 0; i < WARM_UP_ENTRIES; i++)
            {
                warm.set(Keys.mix64(i), (long)i);
            }
        }
        final long heapBefore = usedHeapAfterGc();
        final long rssBefore = rssBytes();
        final long startNs = System.nanoTime();
        final BenchMap<Long> map = BenchMap.create(name, hint, false);
        for (int i = 0; i < entries; i++)
        {
            // Fresh boxes, held by nothing but the map: for CHM they are part of what an entry costs.
            map.set(Keys.mix64(i), Keys.mix64(~(long)i) | (1L << 62));
        }
        if (map.size() != entries)
        {
            throw new IllegalStateException(name + " holds " + map.size() + " entries after filling " + entries);
        }
        final long fillMillis = (System.nanoTime() - startNs) / 1_000_000;
        final long heapAfter = usedHeapAfterGc();
        final long rssAfter = rssBytes();
        final long offHeap = map.offHeapBytes();
        final long heapDelta = heapAfter - heapBefore;
        final long measured = offHeap >= 0 ? offHeap : heapDelta;
        final String source = offHeap >= 0 ?
            (BenchMap.LOCKMAP.equals(name) ? "nativeMemoryBytes()" : "offHeapMemoryUsed()") : "heap delta after GC";
        Reference.reachabilityFence(map);
        map.close();
        return String.format(Locale.ROOT,
            "FOOTPRINT map=%s entries=%d hint=%d bytes=%d perEntry=%.1f source=%s heapDelta=%d rssDelta=%d fillMillis=%d",
            name, entries, hint, measured, (double)measured / entries, source.replace(' ', '_'),
            heapDelta, rssBefore < 0 ? -1 : rssAfter - rssBefore, fillMillis);
    }

    private static long usedHeapAfterGc() throws InterruptedException
    {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long rssBytes()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // Not Linux: no RSS.
        }
        return -1;
    }

    static String oneLine(final Throwable t)
    {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        final String text = root == t ? String.valueOf(t) : t + " <- " + root;
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
