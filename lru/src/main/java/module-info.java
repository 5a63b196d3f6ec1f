/**
 * LruLockMap: a LockMap with a capacity in entries and bytes and LRU eviction.
 */
module org.lockmap.lru {
    requires transitive org.lockmap.core;

    exports org.lockmap.lru;
}
