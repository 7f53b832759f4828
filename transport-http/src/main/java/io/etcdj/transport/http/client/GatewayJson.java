package io.etcdj.transport.http.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.etcdj.spi.server.StatusCode;
import java.nio.charset.StandardCharsets;

/**
 * The JSON of etcd's gRPC gateway (grpc-gateway 1.x with golang/protobuf's jsonpb): proto field
 * names, int64 as strings, bytes in base64, default values left out, no whitespace; unknown
 * request fields ignored. Errors are grpc-gateway's bodies.
 */
final class GatewayJson {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private GatewayJson() {
    }

    static byte[] print(Message message) {
        try {
            return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields with unknown types fail to print; etcd's messages have none.
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    /** Merges one JSON value into the builder; an absent value (end of body) leaves it empty. */
    static void parse(String json, Message.Builder into) throws InvalidProtocolBufferException {
        if (json != null) {
            PARSER.merge(json, into);
        }
    }

    /** One message of a response stream: {@code {"result":...}} and the newline delimiter. */
    static byte[] resultLine(Message message) {
        String s = "{\"result\":" + new String(print(message), StandardCharsets.UTF_8) + "}\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** DefaultHTTPError's body: {@code {"error":msg,"message":msg,"code":n}}. */
    static byte[] errorBody(StatusCode code, String message) {
        String quoted = GoJsonText.quote(message);
        return ("{\"error\":" + quoted + ",\"message\":" + quoted + ",\"code\":" + code.value() + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A stream's error chunk: {@code {"error":{"grpc_code","http_code","message","http_status"}}}, no newline. */
    static byte[] streamError(StatusCode code, String message) {
        int http = httpStatus(code);
        StringBuilder b = new StringBuilder(128);
        b.append("{\"error\":{");
        if (code.value() != 0) {
            b.append("\"grpc_code\":").append(code.value()).append(',');
        }
        b.append("\"http_code\":").append(http);
        if (!message.isEmpty()) {
            b.append(",\"message\":");
            GoJsonText.appendQuoted(b, message);
        }
        b.append(",\"http_status\":");
        GoJsonText.appendQuoted(b, StatusText.of(http));
        b.append("}}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** grpc-gateway's HTTPStatusFromCode. */
    static int httpStatus(StatusCode code) {
        return switch (code) {
            case OK -> 200;
            case CANCELLED -> 408;
            case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case DEADLINE_EXCEEDED -> 504;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case PERMISSION_DENIED -> 403;
            case UNAUTHENTICATED -> 401;
            case RESOURCE_EXHAUSTED -> 429;
            case FAILED_PRECONDITION -> 412;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
        };
    }
}
