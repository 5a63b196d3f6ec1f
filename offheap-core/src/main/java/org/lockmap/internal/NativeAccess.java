package org.lockmap.internal;

import org.agrona.UnsafeApi;

/**
 * Checks, once, that the JVM was started with the flags LockMap needs, and names the missing one.
 * Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}; the FFM API needs native access for futex.
 */
public final class NativeAccess
{
    /** The flag that lets Agrona (and so LockMap) use {@code jdk.internal.misc.Unsafe}. */
    public static final String ADD_EXPORTS = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";
    /** The flag that lets LockMap map files and call futex through the FFM API. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private static volatile boolean checked;

    private NativeAccess()
    {
    }

    /**
     * @return {@link #ADD_EXPORTS} on the class path; on the module path the export goes to Agrona's
     *         module ({@code org.agrona}), which is what reaches Unsafe.
     */
    private static String addExports()
    {
        final Module agrona = UnsafeApi.class.getModule();
        return agrona.isNamed() ? "--add-exports java.base/jdk.internal.misc=" + agrona.getName() : ADD_EXPORTS;
    }

    /**
     * @return {@link #NATIVE_ACCESS} on the class path; on the module path it names LockMap's module.
     */
    private static String nativeAccess()
    {
        final Module lockMap = NativeAccess.class.getModule();
        return lockMap.isNamed() ? "--enable-native-access=" + lockMap.getName() : NATIVE_ACCESS;
    }

    /**
     * Throws a clear {@link IllegalStateException} naming the missing JVM flag, in the form for the path
     * (class path or module path) that LockMap and Agrona were loaded from.
     */
    public static void ensureAvailable()
    {
        // Volatile read: a pass by any thread is seen, so the probes run about once (a racing repeat is harmless).
        if (checked)
        {
            return;
        }
        try
        {
            // Volatile read of a fresh array: orders nothing, it only probes that Unsafe is reachable.
            UnsafeApi.getIntVolatile(new int[1], UnsafeApi.arrayBaseOffset(int[].class));
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(
                "LockMap needs the JVM flag " + addExports() + " (Agrona uses jdk.internal.misc.Unsafe); " +
                "add it to the java command line, with " + nativeAccess(), ex);
        }
        if (!NativeAccess.class.getModule().isNativeAccessEnabled())
        {
            throw new IllegalStateException("LockMap needs the JVM flag " + nativeAccess() +
                " for memory-mapped files and futex; add it to the java command line, with " + addExports());
        }
        // Volatile write: publishes only that the checks passed; no other state depends on it.
        checked = true;
    }
}
