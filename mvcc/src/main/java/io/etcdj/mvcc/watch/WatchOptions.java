package io.etcdj.mvcc.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link WatchHub}.
 *
 * @param streamBufferLength      event responses a stream holds before its watchers fall behind
 *                                (etcd's {@code chanBufLen}, 128)
 * @param maxRevisionsPerResponse distinct revisions in one event response (etcd's
 *                                {@code watchBatchMaxRevs}, 1000); also the revisions read from
 *                                history per catch-up round
 * @param maxWatchersPerSync      unsynced watchers served per catch-up round (etcd's
 *                                {@code maxWatchersPerSync}, 512)
 * @param syncInterval            how often the catch-up thread looks at unsynced watchers when
 *                                nothing woke it earlier (etcd's 100 ms)
 * @param progressNotifyInterval  how often watchers created with {@code progress_notify} get an
 *                                empty response while idle and synced (etcd's
 *                                {@code --experimental-watch-progress-notify-interval}, 10 min;
 *                                etcd raises values below 100 ms to 100 ms, which is the caller's
 *                                job here)
 * @param maxResponseBytes        size from which a fragmenting watcher's response is split
 *                                (etcd: {@code --max-request-bytes} + 512 KiB of gRPC overhead);
 *                                other watchers' responses are split there between revisions
 * @param controlBufferLength     control responses (created, canceled, progress) waiting to be
 *                                polled above which {@link WatchStream#acceptingRequests()} says no
 *                                (etcd's {@code ctrlStreamBufLen}, 16)
 * @param headers                 makes each response's header
 */
public record WatchOptions(int streamBufferLength, int maxRevisionsPerResponse, int maxWatchersPerSync,
                           Duration syncInterval, Duration progressNotifyInterval, int maxResponseBytes,
                           int controlBufferLength, ResponseHeaders headers) {
    public static final int DEFAULT_STREAM_BUFFER_LENGTH = 128;
    public static final int DEFAULT_MAX_REVISIONS_PER_RESPONSE = 1000;
    public static final int DEFAULT_MAX_WATCHERS_PER_SYNC = 512;
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_PROGRESS_NOTIFY_INTERVAL = Duration.ofMinutes(10);
    /** etcd's default {@code --max-request-bytes} (1.5 MiB) plus its gRPC overhead allowance (512 KiB). */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 3 * 512 * 1024 + 512 * 1024;
    public static final int DEFAULT_CONTROL_BUFFER_LENGTH = 16;

    public WatchOptions {
        positive("streamBufferLength", streamBufferLength);
        positive("maxRevisionsPerResponse", maxRevisionsPerResponse);
        positive("maxWatchersPerSync", maxWatchersPerSync);
        positive("maxResponseBytes", maxResponseBytes);
        positive("controlBufferLength", controlBufferLength);
        positive("syncInterval", syncInterval);
        positive("progressNotifyInterval", progressNotifyInterval);
        Objects.requireNonNull(headers, "headers");
    }

    public static WatchOptions defaults() {
        return new WatchOptions(DEFAULT_STREAM_BUFFER_LENGTH, DEFAULT_MAX_REVISIONS_PER_RESPONSE,
                DEFAULT_MAX_WATCHERS_PER_SYNC, DEFAULT_SYNC_INTERVAL, DEFAULT_PROGRESS_NOTIFY_INTERVAL,
                DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_CONTROL_BUFFER_LENGTH, ResponseHeaders.revisionOnly());
    }

    public WatchOptions withStreamBufferLength(int length) {
        return new WatchOptions(length, maxRevisionsPerResponse, maxWatchersPerSync, syncInterval,
                progressNotifyInterval, maxResponseBytes, controlBufferLength, headers);
    }

    public WatchOptions withMaxRevisionsPerResponse(int revisions) {
        return new WatchOptions(streamBufferLength, revisions, maxWatchersPerSync, syncInterval,
                progressNotifyInterval, maxResponseBytes, controlBufferLength, headers);
    }

    public WatchOptions withMaxWatchersPerSync(int watchers) {
        return new WatchOptions(streamBufferLength, maxRevisionsPerResponse, watchers, syncInterval,
                progressNotifyInterval, maxResponseBytes, controlBufferLength, headers);
    }

    public WatchOptions withSyncInterval(Duration interval) {
        return new WatchOptions(streamBufferLength, maxRevisionsPerResponse, maxWatchersPerSync, interval,
                progressNotifyInterval, maxResponseBytes, controlBufferLength, headers);
    }

    public WatchOptions withProgressNotifyInterval(Duration interval) {
        return new WatchOptions(streamBufferLength, maxRevisionsPerResponse, maxWatchersPerSync, syncInterval,
                interval, maxResponseBytes, controlBufferLength, headers);
    }

    public WatchOptions withMaxResponseBytes(int bytes) {
        return new WatchOptions(streamBufferLength, maxRevisionsPerResponse, maxWatchersPerSync, syncInterval,
                progressNotifyInterval, bytes, controlBufferLength, headers);
    }

    public WatchOptions withControlBufferLength(int length) {
        return new WatchOptions(streamBufferLength, maxRevisionsPerResponse, maxWatchersPerSync, syncInterval,
                progressNotifyInterval, maxResponseBytes, length, headers);
    }

    public WatchOptions withHeaders(ResponseHeaders responseHeaders) {
        return new WatchOptions(streamBufferLength, maxRevisionsPerResponse, maxWatchersPerSync, syncInterval,
                progressNotifyInterval, maxResponseBytes, controlBufferLength, responseHeaders);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
