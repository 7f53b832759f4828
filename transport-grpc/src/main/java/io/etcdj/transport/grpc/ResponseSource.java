package io.etcdj.transport.grpc;

/**
 * Where a {@link ResponsePump} takes the responses of one stream from. All methods are called on
 * the pump's serial executor, never concurrently.
 */
interface ResponseSource<R> {
    /**
     * The next response to send, or null when none is ready yet (the source then makes sure
     * {@link ResponsePump#resume()} is called once one is). Throwing ends the stream with the
     * error's status ({@link Calls#toStatus}).
     */
    R next() throws Exception;

    /**
     * Asked right after {@link #next()} returned null: true when no response will ever come, and
     * the stream ends with OK.
     */
    boolean ended();

    /** The pump found the client ready for more; a source that throttles its input may let more in. */
    default void clientReady() {
    }

    /** The stream is over (ended, failed or cancelled by the client): release what the source holds. Called once. */
    void close();
}
