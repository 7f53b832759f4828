package io.etcdj.transport.http.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client connection that sends exact bytes and reads answers exactly as they come: status line,
 * headers in order, and the body by Content-Length, chunks (each chunk kept) or until close.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One answer. {@code chunks} holds each chunk of a chunked body; {@code body} all of it. */
    record Answer(String statusLine, Map<String, List<String>> headers, List<String> headerOrder, byte[] body,
                  List<String> chunks) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    RawHttp send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.UTF_8));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends a request with a Host header and, when {@code body} is not null, a form body. */
    static String request(String method, String target, String body) {
        StringBuilder b = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        if (body != null) {
            b.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
        } else {
            b.append("\r\n");
        }
        return b.toString();
    }

    /** Reads the status line and headers only (the body stays to be read by {@link #readBody}). */
    Answer readHead() throws IOException {
        String status = line();
        while (status.startsWith("HTTP/1.1 100 ")) {
            // An interim answer: its empty line, then the real one.
            line();
            status = line();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            String name = l.substring(0, colon);
            order.add(name);
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(l.substring(colon + 1).trim());
        }
        return new Answer(status, headers, order, new byte[0], List.of());
    }

    /** Reads the body of an answer whose head was read, by its framing. */
    Answer readBody(Answer head, boolean isHeadRequest) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> chunks = new ArrayList<>();
        String length = head.header("Content-Length");
        if (isHeadRequest || head.status() == 204 || head.status() == 304) {
            // no body
        } else if ("chunked".equals(head.header("Transfer-Encoding"))) {
            while (true) {
                int size = Integer.parseInt(line().trim(), 16);
                if (size == 0) {
                    line();
                    break;
                }
                byte[] chunk = in.readNBytes(size);
                chunks.add(new String(chunk, StandardCharsets.UTF_8));
                body.write(chunk);
                line();
            }
        } else if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(head.statusLine(), head.headers(), head.headerOrder(), body.toByteArray(), chunks);
    }

    /** Reads one chunk of a chunked body; null at the last chunk. */
    String readChunk() throws IOException {
        int size = Integer.parseInt(line().trim(), 16);
        if (size == 0) {
            line();
            return null;
        }
        String chunk = new String(in.readNBytes(size), StandardCharsets.UTF_8);
        line();
        return chunk;
    }

    Answer read() throws IOException {
        return readBody(readHead(), false);
    }

    Answer exchange(String request) throws IOException {
        send(request);
        return read();
    }

    /** True if the server closed the connection (reads the end of stream). */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    byte[] readRest() throws IOException {
        return in.readAllBytes();
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            throw new java.io.EOFException("connection closed");
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Convenience: one request on a new connection. */
    static Answer exchange(int port, String request) throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            return c.exchange(request);
        }
    }

    static Answer get(int port, String target) throws IOException {
        return exchange(port, request("GET", target, null));
    }

    static Answer head(int port, String target) throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            c.send(request("HEAD", target, null));
            return c.readBody(c.readHead(), true);
        }
    }

    static Answer form(int port, String method, String target, String body) throws IOException {
        return exchange(port, request(method, target, body));
    }

    static Answer json(int port, String target, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return exchange(port, "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n" + json);
    }
}
