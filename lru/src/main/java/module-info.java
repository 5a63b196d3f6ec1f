/**
 * LruLockMap: a LockMap with a capacity in entries and bytes and LRU eviction. Only the module's
 * skeleton exists so far; its package is exported once it has types.
 */
module org.lockmap.lru {
    requires transitive org.lockmap.core;
}
