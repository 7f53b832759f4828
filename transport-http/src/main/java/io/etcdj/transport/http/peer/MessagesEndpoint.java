package io.etcdj.transport.http.peer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.spi.transport.PeerTransportConfig;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /raft/messages}: after {@link PeerRequestCheck}, reads the frames one by one as
 * they arrive and hands each message addressed to this member to the handler, in order; drops
 * (and logs) messages for another member and MsgSnap (which has a path of its own). Answers 204
 * once the whole body was handled, so a receiver that falls behind holds its sender back, or 400
 * at a malformed frame (the messages before it were delivered).
 */
final class MessagesEndpoint implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(MessagesEndpoint.class.getName());

    private final long localMemberId;
    private final PeerRequestCheck check;
    private final PeerTransportConfig.Handler handler;

    MessagesEndpoint(long localMemberId, PeerRequestCheck check, PeerTransportConfig.Handler handler) {
        this.localMemberId = localMemberId;
        this.check = check;
        this.handler = handler;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!PeerHttpProtocol.MESSAGES_PATH.equals(exchange.getRequestURI().getPath())) {
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.NOT_FOUND, "404 page not found");
                return;
            }
            Long sender = check.admit(exchange);
            if (sender == null) {
                return;
            }
            try (InputStream body = exchange.getRequestBody()) {
                for (PeerHttpProtocol.Frame frame; (frame = PeerHttpProtocol.readFrame(body)) != null; ) {
                    deliver(sender, frame.message());
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "failed to read raft messages from member {0}: {1}",
                        PeerHttpProtocol.hex(sender), e.getMessage());
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.BAD_REQUEST, "error reading raft message");
                return;
            }
            PeerHttpProtocol.respondNoContent(exchange);
        }
    }

    private void deliver(long sender, Message message) {
        if (message.getTo() != localMemberId) {
            LOG.log(System.Logger.Level.WARNING, "dropped {0} from member {1} addressed to member {2}, not to this member {3}",
                    message.getType(), PeerHttpProtocol.hex(sender), PeerHttpProtocol.hex(message.getTo()),
                    PeerHttpProtocol.hex(localMemberId));
        } else if (message.getType() == MessageType.MsgSnap) {
            LOG.log(System.Logger.Level.WARNING, "dropped MsgSnap from member {0} sent with the messages",
                    PeerHttpProtocol.hex(sender));
        } else {
            try {
                handler.receive(message);
            } catch (RuntimeException e) {
                // One failing message must not lose the messages behind it.
                LOG.log(System.Logger.Level.ERROR, "the handler failed on a message from member " + PeerHttpProtocol.hex(sender), e);
            }
        }
    }
}
