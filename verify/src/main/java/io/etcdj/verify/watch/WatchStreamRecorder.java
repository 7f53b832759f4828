package io.etcdj.verify.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects the responses of one watch stream as they arrive, from whatever thread the client delivers them on,
 * then hands a {@link RecordedWatch} to the checker. Thread-safe.
 */
public final class WatchStreamRecorder {

    private final String name;
    private final WatchSpec spec;
    private final List<WatchResponse> responses = new ArrayList<>();
    private long vouchedCompleteThrough;

    public WatchStreamRecorder(String name, WatchSpec spec) {
        this.name = Objects.requireNonNull(name);
        this.spec = Objects.requireNonNull(spec);
    }

    /** Records one response exactly as received. */
    public synchronized void onResponse(WatchResponse response) {
        responses.add(Objects.requireNonNull(response));
    }

    /**
     * Claims that by now every event up to {@code revision} must have been delivered; the checker then reports any
     * event in range up to it that did not arrive.
     */
    public synchronized void vouchCompleteThrough(long revision) {
        vouchedCompleteThrough = Math.max(vouchedCompleteThrough, revision);
    }

    /** What was recorded so far. */
    public synchronized RecordedWatch recorded() {
        return new RecordedWatch(name, spec, responses, vouchedCompleteThrough);
    }
}
