/**
 * LruLockMap: not built yet; this module holds its skeleton (see the project's issues).
 */
package org.lockmap.lru;
