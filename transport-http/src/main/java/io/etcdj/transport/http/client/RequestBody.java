package io.etcdj.transport.http.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of one request, framed by Content-Length or chunked transfer coding, read straight from
 * the connection. At most {@code limit} bytes are accepted: beyond that a read fails with
 * {@link TooLarge} (before anything is read when Content-Length announces it). A client waiting
 * for "100 Continue" is told to go on when the body is first read, as Go's server does.
 */
final class RequestBody extends InputStream {
    /** The body is larger than the server accepts. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("request body larger than " + limit + " bytes", null);
        }
    }

    private final ConnectionInput in;
    private final boolean chunked;
    private long limit;
    private Runnable beforeFirstRead;
    /** Fixed length: bytes left. Chunked: bytes left in the current chunk. */
    private long left;
    private long total;
    private boolean done;
    private final byte[] one = new byte[1];

    private RequestBody(ConnectionInput in, boolean chunked, long length, long limit, Runnable beforeFirstRead) {
        this.in = in;
        this.chunked = chunked;
        this.left = chunked ? 0 : length;
        this.limit = limit;
        this.beforeFirstRead = beforeFirstRead;
        this.done = !chunked && length == 0;
    }

    static RequestBody empty(ConnectionInput in) {
        return new RequestBody(in, false, 0, 0, null);
    }

    static RequestBody fixed(ConnectionInput in, long length, long limit, Runnable beforeFirstRead) {
        return new RequestBody(in, false, length, limit, beforeFirstRead);
    }

    static RequestBody chunked(ConnectionInput in, long limit, Runnable beforeFirstRead) {
        return new RequestBody(in, true, 0, limit, beforeFirstRead);
    }

    /** Whether the whole body was read (the connection is then positioned at the next request). */
    boolean fullyRead() {
        return done;
    }

    /**
     * Lifts the limit on the whole body, for a stream of messages that may go on for as long as
     * the client likes (each message is then limited by its reader).
     */
    void unlimit() {
        limit = Long.MAX_VALUE;
    }

    /**
     * Whether the connection can carry another request after this one: the body was read, or
     * what is left of it is known and at most {@code maxSkip} bytes, and within the limit. Not if
     * the client still waits for "100 Continue" (as in Go, it is then not asked for its body).
     */
    boolean reusable(long maxSkip) {
        if (done) {
            return true;
        }
        return beforeFirstRead == null && !chunked && left <= maxSkip && total + left <= limit;
    }

    /** Bytes still to come when the length is known (fixed length), else -1. */
    long knownRemaining() {
        return chunked ? -1 : left;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (!chunked && left > limit) {
            throw new TooLarge(limit);
        }
        if (beforeFirstRead != null) {
            Runnable r = beforeFirstRead;
            beforeFirstRead = null;
            r.run();
        }
        if (chunked && left == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new EOFException("connection ended within a request body");
        }
        left -= n;
        total += n;
        if (total > limit) {
            throw new TooLarge(limit);
        }
        if (!chunked && left == 0) {
            done = true;
        }
        return n;
    }

    /** Reads the next chunk header; false after the last (zero) chunk and its trailer. */
    private boolean nextChunk() throws IOException {
        if (total > 0) {
            // Every chunk's data ends with CRLF (all chunks before the last carry data).
            expectCrlf();
        }
        String sizeLine = line();
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
        long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size " + hex);
        }
        if (size < 0 || hex.isEmpty()) {
            throw new IOException("malformed chunk size " + hex);
        }
        if (size == 0) {
            while (!line().isEmpty()) {
                // Trailer fields are read and ignored, as etcd's handlers never look at them.
            }
            done = true;
            return false;
        }
        if (total + size > limit) {
            throw new TooLarge(limit);
        }
        left = size;
        return true;
    }

    private void expectCrlf() throws IOException {
        if (!line().isEmpty()) {
            throw new IOException("malformed chunked body: data after chunk");
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection ended within a chunked body");
            }
            if (c == '\n') {
                int end = b.length();
                return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
            }
            if (b.length() > 4096) {
                throw new IOException("chunk header line too long");
            }
            b.append((char) c);
        }
    }
}
