package io.etcdj.transport.http.client;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves the requests of one client connection, one after the other, on the connection's own
 * (virtual) thread: reads a head, frames the body, lets the {@link Handler} answer, and goes on
 * while both sides keep the connection alive. A request head must arrive within
 * {@link #HEAD_TIMEOUT_SECONDS} of its first byte, so that a client trickling a partial request
 * holds one connection for a bounded time and never any other client.
 */
final class Connection implements Runnable {
    /** How long a request head may take once it started (slow partial requests are cut off). */
    static final long HEAD_TIMEOUT_SECONDS = 30;
    /** Go's server reads up to this much of a body the handler left unread, to keep the connection. */
    private static final long MAX_DRAIN_BYTES = 256 * 1024;
    /** How long, and how much, a closing connection still reads and drops (Go waits 500 ms). */
    private static final long LINGER_NANOS = 500_000_000L;
    private static final long MAX_LINGER_BYTES = 8L << 20;
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final Socket socket;
    private final Handler handler;
    private final long maxBodyBytes;
    private final ScheduledExecutorService timer;
    private final Request.ThreadStarter threads;
    /**
     * Waiting for the next request to begin, or answering one that never ends by itself (a watch):
     * nothing to wait for when the transport closes.
     */
    private volatile boolean idle;
    /** The last request's body was not read to its end: close gently ({@link #closeGently}). */
    private boolean lingerOnClose;

    /** Answers one request. */
    interface Handler {
        void handle(Request request, Response response) throws IOException;
    }

    Connection(Socket socket, Handler handler, long maxBodyBytes, ScheduledExecutorService timer,
               Request.ThreadStarter threads) {
        this.socket = socket;
        this.handler = handler;
        this.maxBodyBytes = maxBodyBytes;
        this.timer = timer;
        this.threads = threads;
    }

    @Override
    public void run() {
        String remote = socket.getRemoteSocketAddress() == null ? null : socket.getRemoteSocketAddress().toString();
        try (socket) {
            socket.setTcpNoDelay(true);
            ConnectionInput input = new ConnectionInput(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            while (serveOne(input, out, remote)) {
                // next request on the same connection
            }
            if (lingerOnClose) {
                closeGently(input);
            }
        } catch (IOException e) {
            // The client went away or the transport closed the socket: nothing left to answer.
            LOG.log(System.Logger.Level.DEBUG, "client connection {0} ended: {1}", remote, e.toString());
        }
    }

    /** Serves one request; false when the connection must end. */
    private boolean serveOne(ConnectionInput input, OutputStream out, String remote) throws IOException {
        idle = true;
        boolean more = input.awaitData();
        idle = false;
        if (!more) {
            return false;
        }
        RequestHead head;
        ScheduledFuture<?> deadline = timer.schedule(this::closeQuietly, HEAD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            head = RequestHead.read(input);
        } catch (ProtocolError e) {
            e.writeTo(out);
            return false;
        } finally {
            deadline.cancel(false);
        }
        if (head == null) {
            return false;
        }
        RequestHeaders h = head.headers();
        boolean keepAlive = head.http11() ? !h.hasToken("Connection", "close") : h.hasToken("Connection", "keep-alive");
        RequestBody body;
        try {
            body = body(head, input, out);
        } catch (ProtocolError e) {
            e.writeTo(out);
            return false;
        }
        Response response = new Response(out, head.method(), head.minor(), keepAlive,
                () -> body.reusable(MAX_DRAIN_BYTES));
        Request request = new Request(head, body, input, remote, threads, () -> idle = true);
        try {
            handler.handle(request, response);
        } catch (RuntimeException e) {
            // A bug, not the client's fault: answer 500 if still possible and drop the connection.
            LOG.log(System.Logger.Level.ERROR, "failed to answer " + head.method() + " " + head.path(), e);
            response.closeAfter();
            if (response.committed()) {
                return false;
            }
        }
        if (!response.committed()) {
            response.sendText(500, "Internal Server Error");
        }
        out.flush();
        if (response.keepAlive() && finishBody(body)) {
            return true;
        }
        lingerOnClose = !body.fullyRead();
        return false;
    }

    /**
     * Closes a connection whose client may still be sending a body nobody reads, as Go's
     * closeWriteAndWait: end our side first, then read and drop what still arrives for a moment,
     * so that the client can read the answer before the connection is reset.
     */
    private void closeGently(ConnectionInput input) {
        try {
            socket.shutdownOutput();
            long deadline = System.nanoTime() + LINGER_NANOS;
            byte[] sink = new byte[16 * 1024];
            long dropped = 0;
            while (dropped < MAX_LINGER_BYTES) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) left);
                int n = input.read(sink, 0, sink.length);
                if (n < 0) {
                    break;
                }
                dropped += n;
            }
        } catch (IOException e) {
            // The client is gone or took too long: closing now.
        }
    }

    /** Frames the body as Go does: chunked wins over Content-Length; other codings are refused. */
    private RequestBody body(RequestHead head, ConnectionInput input, OutputStream out) throws ProtocolError {
        RequestHeaders h = head.headers();
        Runnable sendContinue = null;
        String expect = h.first("Expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            throw new ProtocolError(417, null);
        }
        if (expect != null && head.http11()) {
            sendContinue = () -> {
                try {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // The body read that follows fails too and reports it.
                }
            };
        }
        var codings = h.all("Transfer-Encoding");
        if (!codings.isEmpty()) {
            if (codings.size() != 1 || !codings.get(0).equalsIgnoreCase("chunked") || !head.http11()) {
                throw ProtocolError.unsupportedTransferEncoding();
            }
            return RequestBody.chunked(input, maxBodyBytes, sendContinue);
        }
        var lengths = h.all("Content-Length");
        if (lengths.isEmpty()) {
            return RequestBody.empty(input);
        }
        String first = lengths.get(0).trim();
        for (String other : lengths) {
            if (!other.trim().equals(first)) {
                throw ProtocolError.badRequest();
            }
        }
        long length;
        try {
            if (first.isEmpty() || !first.chars().allMatch(Character::isDigit)) {
                throw new NumberFormatException(first);
            }
            length = Long.parseLong(first);
        } catch (NumberFormatException e) {
            throw ProtocolError.badRequest();
        }
        return RequestBody.fixed(input, length, maxBodyBytes, sendContinue);
    }

    /** Skips what the handler left of the body, if little; false when the connection must close instead. */
    private static boolean finishBody(RequestBody body) {
        if (!body.reusable(MAX_DRAIN_BYTES)) {
            return false;
        }
        try {
            body.transferTo(OutputStream.nullOutputStream());
            return body.fullyRead();
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the connection if no request is in progress on it; true if it did. */
    boolean closeIfIdle() {
        if (idle) {
            closeQuietly();
            return true;
        }
        return false;
    }

    /** Closes the connection, whatever it is doing (its thread then ends). */
    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
