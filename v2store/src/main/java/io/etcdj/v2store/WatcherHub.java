package io.etcdj.v2store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * etcd's {@code watcherHub}: the registered watchers by watched path, plus the event history.
 * Its monitor guards the registrations (consumers remove watchers from other threads); store
 * operations call it while holding the store lock, so the order is always store, hub, watcher.
 */
final class WatcherHub {
    private final Map<String, Set<Watcher>> watchers = new LinkedHashMap<>();
    private long count;
    /** Replaced on recovery; guarded by the store lock. */
    EventHistory history;
    /** Watchers that got something during the current store operation; guarded by the store lock. */
    private List<Watcher> toSignal = new ArrayList<>();

    WatcherHub(EventHistory history) {
        this.history = history;
    }

    /**
     * etcd's {@code watch}: answers from history if an event at or after {@code sinceIndex} matches,
     * otherwise registers a watcher at {@code key}. {@code storeIndex} is the current store index.
     */
    Watcher watch(String key, boolean recursive, boolean stream, long sinceIndex, long storeIndex) {
        Event event;
        try {
            event = history.scan(key, recursive, sinceIndex);
        } catch (V2Error e) {
            throw e.withIndex(storeIndex);
        }
        if (event != null) {
            Watcher w = new Watcher(null, recursive, stream, sinceIndex, storeIndex);
            w.deliverFromHistory(event.withEtcdIndex(storeIndex));
            return w;
        }
        Watcher w = new Watcher(this, recursive, stream, sinceIndex, storeIndex);
        synchronized (this) {
            watchers.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(w);
            w.registeredKey = key;
            count++;
        }
        return w;
    }

    /** Records a refresh event in history without notifying anyone. */
    void add(Event e) {
        history.add(e);
    }

    /** Records {@code e} and notifies watchers of its path and of every ancestor ("/", "/a", "/a/b"). */
    void notify(Event e) {
        history.add(e);
        String currPath = "/";
        for (String segment : e.node().key().split("/", -1)) {
            currPath = GoPath.join(currPath, segment);
            notifyWatchers(e, currPath, false);
        }
    }

    /**
     * Notifies the watchers registered at exactly {@code nodePath}. A hidden key (a '_' segment
     * below the watched path) is only seen by watchers of that very key. Non-stream watchers are
     * unregistered once notified.
     */
    synchronized void notifyWatchers(Event e, String nodePath, boolean deleted) {
        Set<Watcher> set = watchers.get(nodePath);
        if (set == null) {
            return;
        }
        String key = e.node().key();
        boolean originalPath = key.equals(nodePath);
        for (Watcher w : new ArrayList<>(set)) {
            if ((originalPath || !isHidden(nodePath, key)) && w.notify(e, originalPath, deleted)) {
                toSignal.add(w);
                if (!w.isStream()) {
                    detachLocked(w);
                }
            }
        }
    }

    /** etcd's {@code isHidden}: whether {@code keyPath} lies in a hidden part below {@code watchPath}. */
    static boolean isHidden(String watchPath, String keyPath) {
        if (watchPath.length() > keyPath.length()) {
            return false;
        }
        String afterPath = GoPath.clean("/" + keyPath.substring(watchPath.length()));
        return afterPath.contains("/_");
    }

    synchronized void detach(Watcher w) {
        detachLocked(w);
    }

    /** Unregisters {@code w}; idempotent. Caller holds the hub monitor. */
    void detachLocked(Watcher w) {
        String key = w.registeredKey;
        if (key == null) {
            return;
        }
        w.registeredKey = null;
        Set<Watcher> set = watchers.get(key);
        set.remove(w);
        if (set.isEmpty()) {
            watchers.remove(key);
        }
        count--;
    }

    synchronized long count() {
        return count;
    }

    /** The watchers to signal for the operation that just ended, clearing the list. */
    List<Watcher> takeSignals() {
        if (toSignal.isEmpty()) {
            return List.of();
        }
        List<Watcher> s = toSignal;
        toSignal = new ArrayList<>();
        return s;
    }
}
