package io.etcdj.spi.server;

/**
 * A failure a client must see as etcd would report it: a status code and etcd's message. Thrown
 * (or completed exceptionally) by the {@link EtcdServerApi}; transports map it to their wire form.
 */
public final class EtcdException extends RuntimeException {
    private final EtcdError error;
    private final StatusCode code;

    public EtcdException(EtcdError error) {
        super(error.message(), null, false, false);
        this.error = error;
        this.code = error.code();
    }

    /** An error with no named etcd constant (for example an argument check with its own text). */
    public EtcdException(StatusCode code, String message) {
        super(message, null, false, false);
        this.error = null;
        this.code = code;
    }

    /** The named error, or null when this carries only a code and a message. */
    public EtcdError error() {
        return error;
    }

    public StatusCode code() {
        return code;
    }
}
