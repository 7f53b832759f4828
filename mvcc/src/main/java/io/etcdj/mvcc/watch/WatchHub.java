package io.etcdj.mvcc.watch;

import io.etcdj.api.mvccpb.Event;
import io.etcdj.mvcc.CommitListener;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.ReadTxn;
import io.etcdj.mvcc.RevisionEvents;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * etcd's watchable store ({@code mvcc/watchable_store.go}) over an {@link MvccStore}: hands every
 * committed change to the watchers that watch its key, each in revision order with no gap and no
 * repeat, however far behind it started or fell.
 *
 * <p><b>Synced and unsynced.</b> A synced watcher has been handed every event it wants up to
 * {@link #notifiedRevision()}; after each {@link MvccStore#commit} the store's writer thread
 * hands the synced watchers the new revisions (the hub is the store's
 * {@link io.etcdj.mvcc.CommitListener}), so watchers never see a revision the backend does not
 * hold. An unsynced watcher (started in the past, or fell behind) is caught up by the hub's
 * thread from history ({@link ReadTxn#history}), at most
 * {@link WatchOptions#maxRevisionsPerResponse()} revisions and
 * {@link WatchOptions#maxWatchersPerSync()} watchers per round, then joins the synced ones. A
 * watcher whose next revision is below the compaction revision gets etcd's compaction cancel.
 *
 * <p><b>Restore.</b> When the store's backend is replaced by a snapshot
 * ({@link MvccStore#finishRestore}), the hub hears of it as the store's listener and does what
 * etcd's {@code watchableStore.Restore} does: every synced watcher that wants revisions the
 * restored store now holds becomes unsynced from its next revision and is caught up from the new
 * history (or canceled with the new compaction revision if that is above its next revision).
 * Events a watcher was handed before are never handed again, and a catch-up round that read the
 * old history is dropped.
 *
 * <p><b>Slow consumers.</b> When a synced watcher's stream buffer is full, the writer does not
 * wait and keeps nothing for it: the watcher becomes unsynced from the first revision it missed
 * and is caught up from history once its stream has room (etcd keeps the missed batch as a
 * "victim" and retries it first; re-reading history instead bounds memory by the buffers alone).
 *
 * <p><b>Threads and locks.</b> One lock guards every watcher's state and the groups. The writer
 * thread takes it once per commit, the catch-up thread twice per round but not while reading the
 * backend, streams for create, cancel, progress and close. Each stream's queue has its own lock,
 * taken after the hub's by producers and alone by consumers; listeners run with no lock held.
 * The hub's thread ({@code etcdj-watch-sync}) also sends the periodic progress notifications.
 *
 * <p>Start the hub before the store's writer starts (or on the writer thread); close it before
 * closing the store.
 */
public final class WatchHub implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("mvcc");

    private final MvccStore store;
    private final WatchOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    private final Wakeup wakeup = new Wakeup();
    private final Thread catchUpThread;

    // Guarded by lock.
    private final WatcherGroup synced = new WatcherGroup();
    /** Unsynced watchers in the order they are served (served ones go to the back). */
    private final LinkedHashSet<Watcher> unsynced = new LinkedHashSet<>();
    private final Set<WatchStream> streams = new LinkedHashSet<>();
    private long notifiedRevision;
    /** Restores heard of so far: a catch-up round is void when it changed while the round read history. */
    private long restores;
    private volatile boolean closed;

    private WatchHub(MvccStore store, WatchOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
        this.catchUpThread = new Thread(this::catchUpLoop, "etcdj-watch-sync");
        catchUpThread.setDaemon(true);
    }

    /** Attaches a hub to {@code store} (as its commit listener) and starts its thread. */
    public static WatchHub start(MvccStore store, WatchOptions options) {
        WatchHub hub = new WatchHub(store, options);
        hub.lock.lock();
        try {
            hub.notifiedRevision = store.setCommitListener(hub.new StoreListener());
        } finally {
            hub.lock.unlock();
        }
        hub.catchUpThread.start();
        return hub;
    }

    /** A new stream for one client; any thread. */
    public WatchStream openStream() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("watch hub closed");
            }
            WatchStream stream = new WatchStream(this, options);
            streams.add(stream);
            return stream;
        } finally {
            lock.unlock();
        }
    }

    /** The revision up to which every synced watcher has been handed its events. */
    public long notifiedRevision() {
        lock.lock();
        try {
            return notifiedRevision;
        } finally {
            lock.unlock();
        }
    }

    /** Watchers alive (synced or catching up), as etcd's {@code etcd_debugging_mvcc_watcher_total}. */
    public int watchers() {
        lock.lock();
        try {
            return synced.size() + unsynced.size();
        } finally {
            lock.unlock();
        }
    }

    /** Watchers catching up, as etcd's {@code etcd_debugging_mvcc_slow_watcher_total}. */
    public int slowWatchers() {
        lock.lock();
        try {
            return unsynced.size();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every stream, detaches from the store and stops the hub's thread. */
    @Override
    public void close() {
        List<WatchStream> open;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            store.setCommitListener(null);
            open = new ArrayList<>(streams);
        } finally {
            lock.unlock();
        }
        open.forEach(WatchStream::close);
        wakeup.kick();
        try {
            catchUpThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the writer's path

    /** Hears of the store's commits and restores (writer thread). */
    private final class StoreListener implements CommitListener {
        @Override
        public void committed(List<RevisionEvents> changes) {
            WatchHub.this.committed(changes);
        }

        @Override
        public void restored(long revision) {
            WatchHub.this.restored(revision);
        }
    }

    /** The store committed {@code changes}: hand them to the synced watchers (writer thread). */
    private void committed(List<RevisionEvents> changes) {
        Set<WatchStream> touched = new HashSet<>();
        boolean fellBehind = false;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Map<Watcher, EventRun> runs = new LinkedHashMap<>();
            for (RevisionEvents change : changes) {
                for (Event event : change.events()) {
                    synced.forEachMatching(event.getKv().getKey(), watcher -> {
                        if (watcher.wants(change.revision(), event)) {
                            runs.computeIfAbsent(watcher, w -> new EventRun()).add(change.revision(), event);
                        }
                    });
                }
            }
            notifiedRevision = changes.get(changes.size() - 1).revision();
            for (Map.Entry<Watcher, EventRun> run : runs.entrySet()) {
                fellBehind |= !deliver(run.getKey(), run.getValue(), touched);
            }
        } finally {
            lock.unlock();
        }
        signal(touched);
        if (fellBehind) {
            wakeup.kick();
        }
    }

    /**
     * The store was restored from a snapshot and holds every revision up to {@code revision}
     * (writer thread). A synced watcher has been handed everything up to the previous
     * {@link #notifiedRevision}: if it wants revisions up to {@code revision}, it becomes unsynced
     * from the first of them, else it stays synced and hears of the revisions after it as they
     * are committed. An unsynced watcher whose next revision is now beyond {@code revision}
     * (the restored store is behind what was notified) is synced for the same reason.
     */
    private void restored(long revision) {
        Set<WatchStream> touched = new HashSet<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            restores++;
            long handedThrough = notifiedRevision;
            notifiedRevision = revision;
            for (Watcher watcher : synced.all()) {
                watcher.minRevision = Math.max(watcher.minRevision, handedThrough + 1);
                if (watcher.minRevision <= revision) {
                    synced.remove(watcher);
                    watcher.state = Watcher.State.UNSYNCED;
                    unsynced.add(watcher);
                    watcher.stream().fellBehind();
                }
            }
            for (Watcher watcher : List.copyOf(unsynced)) {
                if (watcher.minRevision > revision) {
                    unsynced.remove(watcher);
                    watcher.state = Watcher.State.SYNCED;
                    synced.add(watcher);
                    watcher.stream().leftUnsynced(revision);
                    touched.add(watcher.stream());
                }
            }
        } finally {
            lock.unlock();
        }
        signal(touched);
        wakeup.kick();
    }

    /** Queues a synced watcher's run; on a full buffer it becomes unsynced from what it missed. */
    private boolean deliver(Watcher watcher, EventRun run, Set<WatchStream> touched) {
        WatchStream stream = watcher.stream();
        touched.add(stream);
        for (EventRun.Chunk chunk : run.chunks(options.maxRevisionsPerResponse(), notifiedRevision)) {
            if (!stream.offerEvents(watcher, chunk.events(), chunk.revision())) {
                synced.remove(watcher);
                watcher.state = Watcher.State.UNSYNCED;
                watcher.minRevision = chunk.firstRevision();
                unsynced.add(watcher);
                stream.fellBehind();
                return false;
            }
        }
        return true;
    }

    // ---- the catch-up thread

    private void catchUpLoop() {
        long progressInterval = options.progressNotifyInterval().toNanos();
        long nextProgress = System.nanoTime() + progressInterval;
        while (!closed) {
            boolean more;
            try {
                more = catchUpRound();
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "failed to sync watchers; will retry", e);
                more = false;
            }
            long now = System.nanoTime();
            if (now - nextProgress >= 0) {
                progressTick();
                nextProgress = now + progressInterval;
            }
            if (!more) {
                try {
                    wakeup.await(Math.min(options.syncInterval().toNanos(), nextProgress - now));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * What one round serves: watchers with a free buffer slot, and the revisions it reads; void if
     * a restore came after {@code restores} was taken.
     */
    private record Round(List<Watcher> watchers, WatcherGroup group, long from, long to, long restores) {
    }

    /**
     * One round of etcd's {@code syncWatchers}: chooses unsynced watchers whose stream has room,
     * cancels those whose next revision was compacted, reads the history from the lowest next
     * revision among the others (not holding the lock), hands each its events, and moves those
     * that reached {@link #notifiedRevision} to the synced group.
     *
     * @return whether it got somewhere and unsynced watchers remain (run another round at once)
     */
    private boolean catchUpRound() {
        Set<WatchStream> touched = new HashSet<>();
        boolean advanced;
        Round round;
        lock.lock();
        try {
            if (closed || unsynced.isEmpty()) {
                return false;
            }
            advanced = cancelCompacted(touched);
            round = chooseRound();
        } finally {
            lock.unlock();
        }
        signal(touched);
        if (round == null) {
            return advanced;
        }
        List<Event> history;
        try (ReadTxn txn = store.beginRead()) {
            history = txn.history(round.from(), round.to(), round.group()::matchesAny);
        } catch (EtcdException e) {
            if (e.error() == EtcdError.COMPACTED) {
                return true;  // compacted since the choice: the next round cancels whom it concerns
            }
            if (e.error() == EtcdError.FUTURE_REV) {
                // Only a restore to an earlier revision makes the round reach beyond the store;
                // telling the hub of it wakes this thread.
                return false;
            }
            throw e;
        }
        touched.clear();
        boolean more;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (round.restores() != restores) {
                return true;  // the history read may be the old one: choose again
            }
            advanced |= serve(round, history, touched);
            more = !unsynced.isEmpty();
        } finally {
            lock.unlock();
        }
        signal(touched);
        return advanced && more;
    }

    /** etcd's compaction cancel for unsynced watchers whose next revision is gone (and who have room for it). */
    private boolean cancelCompacted(Set<WatchStream> touched) {
        long compacted = store.compactRevision();
        List<Watcher> canceled = new ArrayList<>();
        for (Watcher watcher : unsynced) {
            if (watcher.minRevision < compacted
                    && watcher.stream().offerCompacted(watcher, compacted, notifiedRevision)) {
                canceled.add(watcher);
            }
        }
        for (Watcher watcher : canceled) {
            unsynced.remove(watcher);
            watcher.state = Watcher.State.COMPACTED;
            watcher.stream().leftUnsynced(notifiedRevision);
            touched.add(watcher.stream());
        }
        return !canceled.isEmpty();
    }

    private Round chooseRound() {
        long compacted = store.compactRevision();
        Map<WatchStream, Integer> room = new HashMap<>();
        List<Watcher> chosen = new ArrayList<>();
        long from = Long.MAX_VALUE;
        for (Watcher watcher : unsynced) {
            if (chosen.size() >= options.maxWatchersPerSync()) {
                break;
            }
            if (watcher.minRevision < compacted) {
                continue;  // waits for room for its compaction cancel
            }
            int free = room.computeIfAbsent(watcher.stream(), WatchStream::room);
            if (free == 0) {
                continue;
            }
            room.put(watcher.stream(), free - 1);
            chosen.add(watcher);
            from = Math.min(from, watcher.minRevision);
        }
        if (chosen.isEmpty()) {
            return null;
        }
        long to = Math.min(from + options.maxRevisionsPerResponse() - 1, notifiedRevision);
        WatcherGroup group = new WatcherGroup();
        List<Watcher> served = new ArrayList<>();
        for (Watcher watcher : chosen) {
            if (watcher.minRevision <= to) {
                group.add(watcher);
                served.add(watcher);
            }
        }
        return new Round(served, group, from, to, restores);
    }

    /** Hands each watcher of the round its part of {@code history}; true when any moved on. */
    private boolean serve(Round round, List<Event> history, Set<WatchStream> touched) {
        Map<Watcher, EventRun> runs = new HashMap<>();
        for (Event event : history) {
            long revision = event.getKv().getModRevision();
            round.group().forEachMatching(event.getKv().getKey(), watcher -> {
                if (watcher.state == Watcher.State.UNSYNCED && watcher.wants(revision, event)) {
                    runs.computeIfAbsent(watcher, w -> new EventRun()).add(revision, event);
                }
            });
        }
        boolean advanced = false;
        for (Watcher watcher : round.watchers()) {
            if (watcher.state != Watcher.State.UNSYNCED) {
                continue;  // canceled while the history was read
            }
            EventRun run = runs.get(watcher);
            if (run != null) {
                // The round spans at most maxRevisionsPerResponse revisions: one chunk.
                EventRun.Chunk chunk = run.chunks(Integer.MAX_VALUE, round.to()).get(0);
                if (!watcher.stream().offerEvents(watcher, chunk.events(), chunk.revision())) {
                    continue;  // the writer filled the buffer meanwhile; next round
                }
                touched.add(watcher.stream());
            }
            advanced = true;
            watcher.minRevision = round.to() + 1;
            unsynced.remove(watcher);
            if (watcher.minRevision > notifiedRevision) {
                watcher.state = Watcher.State.SYNCED;
                synced.add(watcher);
                watcher.stream().leftUnsynced(notifiedRevision);
                touched.add(watcher.stream());
            } else {
                unsynced.add(watcher);
            }
        }
        return advanced;
    }

    private void progressTick() {
        Set<WatchStream> touched = new HashSet<>();
        lock.lock();
        try {
            for (WatchStream stream : streams) {
                if (stream.progressTick(notifiedRevision)) {
                    touched.add(stream);
                }
            }
        } finally {
            lock.unlock();
        }
        signal(touched);
    }

    private static void signal(Set<WatchStream> streams) {
        for (WatchStream stream : streams) {
            try {
                stream.signal();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "watch stream listener failed", e);
            }
        }
    }

    // ---- for streams, holding the lock

    ReentrantLock lock() {
        return lock;
    }

    MvccStore store() {
        return store;
    }

    long notifiedRevisionLocked() {
        return notifiedRevision;
    }

    /** Adds a new watcher: synced when it starts after {@link #notifiedRevision}, else to be caught up. */
    void register(Watcher watcher) {
        if (watcher.minRevision > notifiedRevision) {
            watcher.state = Watcher.State.SYNCED;
            synced.add(watcher);
        } else {
            watcher.state = Watcher.State.UNSYNCED;
            unsynced.add(watcher);
            watcher.stream().fellBehind();
            wakeup.kick();
        }
    }

    /** Removes a watcher from wherever it is (etcd's {@code cancelWatcher}). */
    void unregister(Watcher watcher) {
        switch (watcher.state) {
            case SYNCED -> synced.remove(watcher);
            case UNSYNCED -> {
                unsynced.remove(watcher);
                watcher.stream().leftUnsynced(notifiedRevision);
            }
            case COMPACTED, CANCELED -> {
                // In no group.
            }
        }
        watcher.state = Watcher.State.CANCELED;
    }

    void streamClosed(WatchStream stream) {
        streams.remove(stream);
    }

    void wakeCatchUp() {
        wakeup.kick();
    }
}
