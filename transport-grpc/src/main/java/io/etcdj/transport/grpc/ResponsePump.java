package io.etcdj.transport.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends the responses of one server stream (server streaming or bidi) only as fast as the client
 * reads them. The pump pulls from its {@link ResponseSource} while the call
 * {@linkplain ServerCallStreamObserver#isReady() is ready} and stops pulling as soon as it is not:
 * the transport never holds more than the one response being written, so a slow client costs the
 * server only what the source itself buffers. It resumes when gRPC reports the call ready again
 * or when the source says new responses wait ({@link #resume()}).
 *
 * <p>Everything touching the observer runs on one {@link SerialExecutor}, so the observer is never
 * used concurrently and no gRPC or server thread ever blocks on a send.
 *
 * <p>Create the pump inside the service method (gRPC accepts handlers only there); give it its
 * source then or later with {@link #start}. The source is closed exactly once, whether the stream
 * ends normally, fails, is cancelled by the client, or is closed for a malformed request.
 */
final class ResponsePump<R> {
    private static final System.Logger LOG = System.getLogger(ResponsePump.class.getName());

    private final ServerCallStreamObserver<R> observer;
    private final SerialExecutor serial;
    /** Coalesces wake-ups: at most one drain waits in the serial queue at any time. */
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    /** Set from gRPC threads when the call is gone; checked between sends to stop early. */
    private volatile boolean callGone;

    // Only touched on the serial executor.
    private ResponseSource<R> source;
    private boolean ended;

    ResponsePump(ServerCallStreamObserver<R> observer, Executor executor) {
        this.observer = observer;
        this.serial = new SerialExecutor(executor);
        observer.setOnReadyHandler(this::resume);
        // Cancelled by the client, or closed by the server side without the pump (MalformedRequests):
        // either way nothing more can be sent.
        observer.setOnCancelHandler(this::callGone);
        observer.setOnCloseHandler(this::callGone);
    }

    /** Starts pulling from {@code source}; if the stream is already over, just closes it. */
    void start(ResponseSource<R> source) {
        serial.execute(() -> {
            if (ended) {
                source.close();
                return;
            }
            this.source = source;
            drain();
        });
    }

    /** Responses may be waiting or the client may take more: pull again. Any thread, never blocks. */
    void resume() {
        if (drainQueued.compareAndSet(false, true)) {
            serial.execute(() -> {
                drainQueued.set(false);
                drain();
            });
        }
    }

    /** Ends the stream with {@code failure}'s status (responses not yet sent are dropped). Any thread. */
    void fail(Throwable failure) {
        serial.execute(() -> end(failure));
    }

    private void callGone() {
        callGone = true;
        serial.execute(() -> {
            if (!ended) {
                ended = true;
                closeSource();
            }
        });
    }

    private void drain() {
        if (ended || source == null) {
            return;
        }
        try {
            while (!callGone && observer.isReady()) {
                source.clientReady();
                R response = source.next();
                if (response == null) {
                    if (source.ended()) {
                        end(null);
                    }
                    return;
                }
                observer.onNext(response);
            }
        } catch (Exception e) {
            end(e);
        }
    }

    private void end(Throwable failure) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            if (!callGone) {
                if (failure == null) {
                    observer.onCompleted();
                } else {
                    observer.onError(Calls.toStatus(failure));
                }
            }
        } catch (RuntimeException e) {
            // The call closed under us (client gone): nothing left to tell it.
            LOG.log(System.Logger.Level.DEBUG, "could not close a stream that is already gone", e);
        } finally {
            closeSource();
        }
    }

    private void closeSource() {
        if (source != null) {
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "failed to release a stream's resources", e);
            }
        }
    }
}
