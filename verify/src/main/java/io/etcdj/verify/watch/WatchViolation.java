package io.etcdj.verify.watch;

/**
 * One broken watch guarantee.
 *
 * @param kind     which guarantee
 * @param watch    the stream's name
 * @param revision the revision concerned (0 if none)
 * @param key      the key concerned ({@code null} if none)
 * @param detail   what was expected and what was seen
 */
public record WatchViolation(Kind kind, String watch, long revision, String key, String detail) {

    /** The guarantees. */
    public enum Kind {
        /** An event at a revision lower than one already delivered or notified as progress. */
        OUT_OF_ORDER,
        /** The same key at the same revision delivered twice. */
        DUPLICATE,
        /** An event outside the range, below the start revision, or of a filtered type. */
        OUT_OF_RANGE,
        /** A write that happened, in range and from the start revision up to the horizon, never delivered. */
        MISSED,
        /** An event for a write that did not happen. */
        PHANTOM,
        /** An event whose type, value, revisions or version differ from what happened. */
        WRONG_EVENT,
        /** prev_kv differs from the key's previous value, or was sent though not requested. */
        WRONG_PREV_KV,
        /** The events of one revision spread over several responses of a watch that did not ask for fragments. */
        SPLIT_REVISION,
        /** Two watchers reported different contents for the same event. */
        DISAGREEMENT,
        /** A response after the stream was cancelled. */
        AFTER_CANCEL,
        /** A compaction cancel naming a compact revision the watch did not need. */
        BAD_COMPACTION
    }

    @Override
    public String toString() {
        return kind + " [" + watch + (revision != 0 ? " @" + revision : "") + (key != null ? " " + key : "") + "] "
                + detail;
    }
}
