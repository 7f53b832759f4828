package io.etcdj.transport.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/** One request as handlers see it: its head, its body, and a way to learn that the client went away. */
final class Request {
    private final RequestHead head;
    private String path;
    private final RequestBody body;
    private final ConnectionInput input;
    private final String remoteAddress;
    private final ThreadStarter threads;
    private final Runnable endless;

    Request(RequestHead head, RequestBody body, ConnectionInput input, String remoteAddress, ThreadStarter threads,
            Runnable endless) {
        this.endless = endless;
        this.head = head;
        this.path = head.path();
        this.body = body;
        this.input = input;
        this.remoteAddress = remoteAddress;
        this.threads = threads;
    }

    /** Starts background threads for a request (virtual, tracked by the transport). */
    interface ThreadStarter {
        void start(String name, Runnable task);
    }

    String method() {
        return head.method();
    }

    /** The decoded path, after any rewrite by the router ({@code /v3beta/} to {@code /v3/}). */
    String path() {
        return path;
    }

    void rewritePath(String newPath) {
        path = newPath;
    }

    String rawQuery() {
        return head.rawQuery();
    }

    RequestHeaders headers() {
        return head.headers();
    }

    String remoteAddress() {
        return remoteAddress;
    }

    InputStream body() {
        return body;
    }

    RequestBody framedBody() {
        return body;
    }

    /** The whole body (at most the transport's limit, else {@link RequestBody.TooLarge}). */
    byte[] readBody() throws IOException {
        return body.readAllBytes();
    }

    /**
     * Says that this request is answered until the client goes away (a watch or another stream):
     * closing the transport then ends it at once instead of waiting for it.
     */
    void markEndless() {
        endless.run();
    }

    void startThread(String name, Runnable task) {
        threads.start(name, task);
    }

    /**
     * Starts watching for the client closing the connection, once the body has been read: a
     * background thread waits for the client's next bytes and runs {@code gone} if the connection
     * ended instead. Bytes that do arrive (a pipelined request) stay buffered for the next request,
     * and the watch then stops: an HTTP/1.1 client sends nothing else while it waits for an answer.
     * With a body not read to its end, nothing is watched.
     */
    ClientGone watchClient(Runnable gone) {
        AtomicBoolean flag = new AtomicBoolean();
        if (body.fullyRead()) {
            threads.start("client-watch", () -> {
                if (!input.awaitData()) {
                    flag.set(true);
                    gone.run();
                }
            });
        }
        return flag::get;
    }

    /** Whether the client went away. */
    @FunctionalInterface
    interface ClientGone {
        boolean isGone();
    }
}
