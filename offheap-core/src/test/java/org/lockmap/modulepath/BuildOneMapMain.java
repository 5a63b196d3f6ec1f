package org.lockmap.modulepath;

import org.lockmap.LockMap;
import org.lockmap.serialization.Serializers;

/**
 * A child JVM's main for {@code MissingJvmFlagTest}'s module-path cases: in a package of its own, since a
 * class on the class path cannot be in a package of a named module ({@code org.lockmap}).
 */
public final class BuildOneMapMain
{
    private BuildOneMapMain()
    {
    }

    /**
     * Builds a map and says so, or prints the exception.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        try (LockMap<Long, Long> map = LockMap.builder(Serializers.longs(), Serializers.longs()).build())
        {
            map.put(1L, 1L);
            System.out.println("built in module " + LockMap.class.getModule().getName());
        }
        catch (final Throwable ex)
        {
            System.out.println(ex);
            System.exit(1);
        }
    }
}
