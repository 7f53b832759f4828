package io.etcdj.verify.watch;

import java.util.List;
import java.util.Objects;

/**
 * One watch stream as the client saw it.
 *
 * @param name                 for reports
 * @param spec                 what was asked
 * @param responses            every response, in arrival order
 * @param vouchedCompleteThrough a revision up to which the test waited long enough that every event must have
 *                             arrived (for example the revision of its last acknowledged write after a quiet period);
 *                             0 for no such claim. The stream's own last event or progress notification counts as
 *                             well, whichever is higher.
 */
public record RecordedWatch(String name, WatchSpec spec, List<WatchResponse> responses, long vouchedCompleteThrough) {

    public RecordedWatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spec, "spec");
        responses = List.copyOf(responses);
    }
}
