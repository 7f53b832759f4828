/**
 * etcd's v3lock ({@code Lock}, {@code Unlock}) and v3election ({@code Campaign}, {@code Proclaim},
 * {@code Leader}, {@code Observe}, {@code Resign}) services, served by the server itself as etcd 3.4
 * does: {@code clientv3/concurrency}'s mutex and election recipes run against the server's own KV,
 * lease and watch calls ({@link io.etcdj.spi.server.EtcdServerApi}).
 *
 * <p><b>Waiting.</b> A lock or campaign queues a key {@code name/<lease in hex>}; the oldest key
 * (lowest create revision) holds the lock or leads. A later one waits, on a watch of its own, for
 * the deletion of the newest older key, then looks again (etcd's {@code waitDeletes}). Nothing
 * polls; every watch is closed when its wait ends, however it ends.
 *
 * <p><b>Errors.</b> etcd's services return whatever their in-process client returned, which gRPC
 * sends as code {@code Unknown} with the error's text (verified against etcd 3.4.23: a lock on an
 * unknown lease answers code 2, "etcdserver: requested lease not found"); these services do the
 * same.
 */
package io.etcdj.server.concurrency;
