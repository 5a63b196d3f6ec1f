/**
 * The serializer SPI of LockMap: how keys and values reach native memory.
 */
module org.lockmap.serialization {
    requires transitive org.agrona;
    requires static chronicle.bytes;
    requires static chronicle.core;

    exports org.lockmap.serialization;
}
