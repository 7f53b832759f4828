package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcdj.verify.watch.EventType;
import io.etcdj.verify.watch.KeyRange;
import io.etcdj.verify.watch.KeyValue;
import io.etcdj.verify.watch.RecordedWatch;
import io.etcdj.verify.watch.WatchEvent;
import io.etcdj.verify.watch.WatchResponse;
import io.etcdj.verify.watch.WatchSpec;
import io.etcdj.verify.watch.WatchStreamRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One watcher as an application keeps it, recorded for {@link io.etcdj.verify.watch.WatchChecker}: a jetcd watch
 * that, whenever its stream breaks (its member killed, the connection lost, the stream ended), is opened again
 * from the revision after the last one it delivered, which is the resumption etcd's watch API is designed for. The
 * responses of all its streams are recorded as one stream with the original {@link WatchSpec}, so the checker sees
 * what the application saw: no gap, duplicate or reordering is allowed across a resumption either.
 *
 * <p>jetcd's own resumption is not used: jetcd 0.8.7 resumes from the header revision of the created response
 * when no event came after it, which skips the events a watch from an older revision had not yet received. A
 * broken stream is therefore abandoned (anything it still delivers is dropped) and closed from the
 * {@code resumer} thread, which opens the next one after a short delay. A watch cancelled as compacted is not
 * resumed: it ends the watcher with a {@link #failure()}.
 *
 * <p>Only single-key and prefix ranges are supported. Thread-safe.
 */
final class RecordedWatcher implements AutoCloseable {

    /** Enough for a member down a few seconds several times over (a reopen every 200 ms), and bounded. */
    private static final int MAX_STREAMS = 1_000;
    private static final long RESUME_DELAY_MILLIS = 200;

    private final String name;
    private final Client client;
    private final WatchSpec spec;
    private final ScheduledExecutorService resumer;
    private final WatchStreamRecorder recorder;
    private Stream current;
    private long createdRevision;
    private long lastEventRevision;
    private int streams;
    private String failure;
    private boolean closed;

    private RecordedWatcher(String name, Client client, WatchSpec spec, ScheduledExecutorService resumer) {
        if (!(spec.range() instanceof KeyRange.Single) && !(spec.range() instanceof KeyRange.Prefix)) {
            throw new IllegalArgumentException("only single-key and prefix watches are supported: " + spec.range());
        }
        this.name = name;
        this.client = client;
        this.spec = spec;
        this.resumer = resumer;
        this.recorder = new WatchStreamRecorder(name, spec);
    }

    /**
     * Starts watching through {@code client}; the first stream is opened on the {@code resumer} thread, which must
     * be single-threaded and outlive the watcher.
     */
    static RecordedWatcher start(String name, Client client, WatchSpec spec, ScheduledExecutorService resumer) {
        RecordedWatcher watcher = new RecordedWatcher(name, client, spec, resumer);
        resumer.execute(watcher::openNextStream);
        return watcher;
    }

    String name() {
        return name;
    }

    WatchSpec spec() {
        return spec;
    }

    /** The highest revision of an event delivered so far, 0 if none. */
    synchronized long lastEventRevision() {
        return lastEventRevision;
    }

    /** How many streams were opened: 1 plus the resumptions. */
    synchronized int streams() {
        return streams;
    }

    /** Why the watcher gave up, {@code null} while it has not. */
    synchronized String failure() {
        return failure;
    }

    /** See {@link WatchStreamRecorder#vouchCompleteThrough}. */
    void vouchCompleteThrough(long revision) {
        recorder.vouchCompleteThrough(revision);
    }

    /** Everything recorded so far as one stream. */
    RecordedWatch recorded() {
        return recorder.recorded();
    }

    /** Stops watching; the recording stays readable. Does not close the client. */
    @Override
    public void close() {
        Stream last;
        synchronized (this) {
            closed = true;
            last = current;
            if (last != null) {
                last.active = false;
            }
        }
        if (last != null) {
            last.closeWatcher();
        }
    }

    /** Runs on the resumer thread only, so streams are opened one at a time. */
    private void openNextStream() {
        Stream previous;
        Stream next;
        WatchOption option;
        synchronized (this) {
            if (closed || failure != null) {
                return;
            }
            if (++streams > MAX_STREAMS) {
                failure = "gave up after " + MAX_STREAMS + " streams";
                return;
            }
            previous = current;
            long from = resumeRevision();
            option = option(from, from == 0);
            next = new Stream();
            current = next;
        }
        if (previous != null) {
            // Outside our lock: jetcd calls the listener under its own lock while closing.
            previous.closeWatcher();
        }
        ByteSequence key = bytes(spec.range() instanceof KeyRange.Single single ? single.key()
                : ((KeyRange.Prefix) spec.range()).prefix());
        Watch.Watcher opened;
        try {
            opened = client.getWatchClient().watch(key, option, next);
        } catch (RuntimeException e) {
            next.broken(e);
            return;
        }
        next.watcher = opened;
        boolean closedMeanwhile;
        synchronized (this) {
            closedMeanwhile = closed;
        }
        if (closedMeanwhile) {
            // close() ran while the stream was being opened and found no jetcd watcher to close yet.
            opened.close();
        }
    }

    /** The revision the next stream starts from; 0 ("from now") only while a from-now watch has no start yet. */
    private long resumeRevision() {
        if (lastEventRevision > 0) {
            return Math.max(lastEventRevision + 1, spec.startRevision());
        }
        if (spec.startRevision() > 0) {
            return spec.startRevision();
        }
        return createdRevision > 0 ? createdRevision + 1 : 0;
    }

    private WatchOption option(long from, boolean createNotify) {
        return WatchOption.builder()
                .isPrefix(spec.range() instanceof KeyRange.Prefix)
                .withRevision(from)
                .withPrevKV(spec.prevKv())
                .withNoPut(spec.noPut())
                .withNoDelete(spec.noDelete())
                // The created response tells where a from-now watch starts; the checker needs the first one.
                .withCreateNotify(createNotify)
                .build();
    }

    private synchronized void record(Stream stream, io.etcd.jetcd.watch.WatchResponse response) {
        if (!stream.active) {
            return;
        }
        long header = response.getHeader().getRevision();
        if (response.isCreatedNotify()) {
            if (createdRevision == 0) {
                createdRevision = header;
            }
            recorder.onResponse(WatchResponse.created(header));
            return;
        }
        List<WatchEvent> events = new ArrayList<>();
        for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
            WatchEvent converted = convert(event);
            events.add(converted);
            lastEventRevision = Math.max(lastEventRevision, converted.revision());
        }
        recorder.onResponse(events.isEmpty() ? WatchResponse.progress(header) : WatchResponse.events(header, events));
    }

    private static WatchEvent convert(io.etcd.jetcd.watch.WatchEvent event) {
        EventType type = switch (event.getEventType()) {
            case PUT -> EventType.PUT;
            case DELETE -> EventType.DELETE;
            case UNRECOGNIZED -> throw new AssertionError("unrecognized event type: " + event);
        };
        return new WatchEvent(type, keyValue(event.getKeyValue()), keyValue(event.getPrevKV()));
    }

    /** jetcd turns an absent prev_kv into an empty key-value; keys are never empty here, so that is "none". */
    private static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        if (kv == null || kv.getKey().isEmpty()) {
            return null;
        }
        return new KeyValue(text(kv.getKey()), text(kv.getValue()), kv.getCreateRevision(), kv.getModRevision(),
                kv.getVersion());
    }

    /** One gRPC watch stream; only the newest is active. */
    private final class Stream implements Watch.Listener {
        /** Guarded by the watcher's lock. */
        private boolean active = true;
        /** Set on the resumer thread, read there too. */
        private volatile Watch.Watcher watcher;

        @Override
        public void onNext(io.etcd.jetcd.watch.WatchResponse response) {
            record(this, response);
        }

        @Override
        public void onError(Throwable error) {
            broken(error);
        }

        @Override
        public void onCompleted() {
            broken(null);
        }

        private void broken(Throwable error) {
            synchronized (RecordedWatcher.this) {
                if (!active || closed) {
                    return;
                }
                active = false;
                if (error instanceof CompactedException compacted) {
                    failure = "cancelled as compacted at " + compacted.getCompactedRevision();
                    return;
                }
            }
            resumer.schedule(RecordedWatcher.this::openNextStream, RESUME_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void closeWatcher() {
            Watch.Watcher w = watcher;
            if (w != null) {
                w.close();
            }
        }
    }
}
