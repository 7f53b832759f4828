package io.etcdj.transport.http.peer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.spi.transport.PeerTransportConfig;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /raft/snapshot}: after {@link PeerRequestCheck}, reads the MsgSnap frame, then calls
 * the handler's {@code receiveSnapshot} on this exchange's thread (it may block as long as the
 * data takes) with the rest of the body as {@link SnapshotData}. Answers 204 once it returned
 * (after reading whatever it left, so the sender can finish and see the answer), or 500 "failed to
 * save KV snapshot (...)" when it threw, as etcd does. The body must have a {@code Content-Length}
 * (411 otherwise): it gives the data's size before the data comes.
 */
final class SnapshotEndpoint implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(SnapshotEndpoint.class.getName());
    private static final int LENGTH_REQUIRED = 411;

    private final long localMemberId;
    private final PeerRequestCheck check;
    private final PeerTransportConfig.Handler handler;

    SnapshotEndpoint(long localMemberId, PeerRequestCheck check, PeerTransportConfig.Handler handler) {
        this.localMemberId = localMemberId;
        this.check = check;
        this.handler = handler;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!PeerHttpProtocol.SNAPSHOT_PATH.equals(exchange.getRequestURI().getPath())) {
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.NOT_FOUND, "404 page not found");
                return;
            }
            Long sender = check.admit(exchange);
            if (sender == null) {
                return;
            }
            long contentLength = contentLength(exchange);
            if (contentLength < 0) {
                PeerHttpProtocol.respond(exchange, LENGTH_REQUIRED, "snapshot request without Content-Length");
                return;
            }
            InputStream body = exchange.getRequestBody();
            PeerHttpProtocol.Frame frame;
            try {
                frame = PeerHttpProtocol.readFrame(body);
            } catch (IOException e) {
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.BAD_REQUEST, "failed to decode raft message (" + e.getMessage() + ")");
                return;
            }
            if (frame == null) {
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.BAD_REQUEST, "failed to decode raft message (empty body)");
                return;
            }
            Message message = frame.message();
            long size = contentLength - frame.wireBytes();
            if (message.getType() != MessageType.MsgSnap || message.getTo() != localMemberId) {
                LOG.log(System.Logger.Level.WARNING, "unexpected {0} to member {1} from member {2} on the snapshot path",
                        message.getType(), PeerHttpProtocol.hex(message.getTo()), PeerHttpProtocol.hex(sender));
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.BAD_REQUEST, "wrong raft message type");
                return;
            }
            receive(exchange, sender, message, new SnapshotData(body, size), size);
        }
    }

    private void receive(HttpExchange exchange, long sender, Message message, SnapshotData data, long size) throws IOException {
        long index = message.getSnapshot().getMetadata().getIndex();
        LOG.log(System.Logger.Level.INFO, "receiving database snapshot [index: {0}, from: {1}, size: {2} bytes]",
                index, PeerHttpProtocol.hex(sender), size);
        try {
            handler.receiveSnapshot(message, data, size);
            data.drain();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "failed to receive the snapshot from member " + PeerHttpProtocol.hex(sender), e);
            PeerHttpProtocol.respond(exchange, PeerHttpProtocol.INTERNAL_SERVER_ERROR,
                    "failed to save KV snapshot (" + e.getMessage() + ")");
            return;
        }
        LOG.log(System.Logger.Level.INFO, "received and saved database snapshot [index: {0}, from: {1}]",
                index, PeerHttpProtocol.hex(sender));
        PeerHttpProtocol.respondNoContent(exchange);
    }

    private static long contentLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
