/**
 * LockMap: an off-heap, sharded concurrent map with an exclusive lock per key.
 */
module org.lockmap.core {
    requires transitive org.lockmap.serialization;

    exports org.lockmap;
    exports org.lockmap.internal to org.lockmap.lru;
}
