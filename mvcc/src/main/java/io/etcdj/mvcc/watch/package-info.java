/**
 * etcd 3.4's watch service over an {@link io.etcdj.mvcc.MvccStore}: {@link io.etcdj.mvcc.watch.WatchHub}
 * (etcd's watchable store) and {@link io.etcdj.mvcc.watch.WatchStream} (one client stream: etcd's
 * {@code watchStream} plus the request handling and response shaping of {@code v3rpc/watch.go}).
 *
 * <p><b>How the server wires it.</b> Start the hub on the store before the apply loop runs, with
 * {@link io.etcdj.mvcc.watch.WatchOptions} carrying a {@link io.etcdj.mvcc.watch.ResponseHeaders}
 * that fills cluster ID, member ID and Raft term, and the response size limit
 * ({@code --max-request-bytes} + 512 KiB). For each gRPC {@code Watch} call the transport opens a
 * stream, passes every {@code WatchRequest} to {@code handle}, sends whatever {@code poll} returns
 * (its listener says when to poll) and closes the stream when the call ends.
 *
 * <p><b>Threads.</b>
 * <ul>
 *   <li>The store's writer (apply) thread, at the end of each {@code MvccStore.commit}, hands the
 *       committed revisions to the synced watchers: work proportional to events × matching
 *       watchers, never waiting for a consumer.</li>
 *   <li>The hub's thread {@code etcdj-watch-sync} catches up unsynced watchers from history
 *       (woken when a watcher falls behind, is created in the past, or its stream frees a slot;
 *       otherwise every {@code syncInterval}) and sends periodic progress notifications.</li>
 *   <li>Transport threads call {@code handle} (receive side) and {@code poll} (send side); the
 *       previous pairs of {@code prev_kv} watchers are read, and large responses split, in
 *       {@code poll}.</li>
 * </ul>
 *
 * <p><b>Bounds.</b> Per stream: at most {@code streamBufferLength} event responses of at most
 * {@code maxRevisionsPerResponse} revisions each, plus one control response per create or cancel
 * request not yet polled and at most one pending progress response. Per catch-up round: at most
 * {@code maxRevisionsPerResponse} revisions read for at most {@code maxWatchersPerSync} watchers.
 * Nothing is kept for a watcher that fell behind but its next revision.
 */
package io.etcdj.mvcc.watch;
