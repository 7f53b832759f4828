package io.etcdj.v2store;

/**
 * etcd's v2 error: an expected outcome of a store operation (not a bug), so it carries no stack
 * trace. {@link #cause()} is etcd's free-text cause (usually a key), {@link #index()} the store index
 * reported with it. Serialise with {@link V2Json#error(V2Error)}; etcd's v2 HTTP API writes that JSON
 * plus a trailing newline with status {@link #statusCode()} and header {@code X-Etcd-Index: index}.
 */
public final class V2Error extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final V2ErrorCode code;
    private final String cause;
    private final long index;

    public V2Error(V2ErrorCode code, String cause, long index) {
        super(code.message() + " (" + cause + ")", null, false, false);
        this.code = code;
        this.cause = cause;
        this.index = index;
    }

    public V2ErrorCode code() {
        return code;
    }

    /** The numeric error code, e.g. 100. */
    public int errorCode() {
        return code.code();
    }

    /** etcd's message text, e.g. "Key not found". ({@link #getMessage()} is Go's "message (cause)".) */
    public String etcdMessage() {
        return code.message();
    }

    /** etcd's cause text, e.g. the key; empty when there is none (then omitted from JSON). */
    public String cause() {
        return cause;
    }

    /** The store index (uint64) etcd reports with the error. */
    public long index() {
        return index;
    }

    public int statusCode() {
        return code.httpStatus();
    }

    public V2Error withIndex(long newIndex) {
        return new V2Error(code, cause, newIndex);
    }

    /** The error with {@code prefix} trimmed from the start of its cause, as v2http does with "/1". */
    public V2Error withoutCausePrefix(String prefix) {
        return cause.startsWith(prefix) ? new V2Error(code, cause.substring(prefix.length()), index) : this;
    }
}
