package io.etcdj.transport.http.client;

import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.V2Answer;
import io.etcdj.v2store.V2Answers;
import io.etcdj.v2store.V2Error;
import io.etcdj.v2store.V2ErrorCode;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ExecutionException;

/**
 * {@code /v2/keys}: etcd 3.4's keysHandler. Parses the form ({@link KeyRequestParser}), asks the
 * server, and writes its answer: an event or v2 error with etcd's headers, or a watch. A watch
 * answers 200 with its headers at once, then each event as it comes, flushed; a long poll ends
 * after the first event, a stream goes on until the server ends it or the client goes away (which
 * releases the server's watcher at once).
 *
 * <p>Headers as etcd: {@code X-Etcd-Cluster-Id} on every answer past the method check;
 * {@code X-Etcd-Index} always; {@code X-Raft-Index}/{@code X-Raft-Term} with events and watches,
 * not with errors.
 */
final class KeysHandler {
    private final EtcdServerApi server;
    private final ClusterIdentity cluster;

    KeysHandler(EtcdServerApi server, ClusterIdentity cluster) {
        this.server = server;
        this.cluster = cluster;
    }

    void handle(Request request, Response response) throws IOException {
        if (!Replies.allowMethod(request, response, "HEAD", "GET", "PUT", "POST", "DELETE")) {
            return;
        }
        response.header("X-Etcd-Cluster-Id", cluster.hex());
        KeyRequestParser.Parsed parsed;
        try {
            parsed = KeyRequestParser.parse(request, Instant.now());
        } catch (V2Error e) {
            Replies.v2Error(response, e);
            return;
        }
        V2Answer answer;
        try {
            answer = ServerCalls.await(() -> server.v2(parsed.request(), Contexts.of(request)));
        } catch (ExecutionException e) {
            // etcd's writeKeyError for an error that is not a v2 one: 300 Raft Internal Error.
            Replies.v2Error(response, new V2Error(V2ErrorCode.RAFT_INTERNAL, Replies.message(e), 0));
            return;
        }
        switch (answer) {
            case V2Answer.Result result -> writeResult(response, result, parsed);
            case V2Answer.Watch watch -> writeWatch(request, response, watch, parsed.request().getStream());
        }
    }

    private static void writeResult(Response response, V2Answer.Result answer, KeyRequestParser.Parsed parsed)
            throws IOException {
        V2Answer.Result result = parsed.noValueOnSuccess() ? V2Answers.withoutNodes(answer) : answer;
        response.header("Content-Type", "application/json");
        response.header("X-Etcd-Index", Long.toUnsignedString(result.etcdIndex()));
        if (result.status() >= 400) {
            response.send(result.status(), result.body());
            return;
        }
        response.header("X-Raft-Index", Long.toUnsignedString(result.raftIndex()));
        response.header("X-Raft-Term", Long.toUnsignedString(result.raftTerm()));
        if (parsed.request().getWait()) {
            // An event already in the history: etcd still answers it through its watcher, with
            // the headers flushed first, so the body is chunked.
            Response.Stream body = response.stream(result.status());
            body.write(result.body());
            body.finish();
            return;
        }
        response.send(result.status(), result.body());
    }

    private static void writeWatch(Request request, Response response, V2Answer.Watch watch, boolean stream)
            throws IOException {
        request.markEndless();
        Wakeup wakeup = new Wakeup();
        try (watch) {
            watch.setListener(wakeup::signal);
            Request.ClientGone client = request.watchClient(wakeup::signal);
            response.header("Content-Type", "application/json");
            response.header("X-Etcd-Index", Long.toUnsignedString(watch.etcdIndex()));
            response.header("X-Raft-Index", Long.toUnsignedString(watch.raftIndex()));
            response.header("X-Raft-Term", Long.toUnsignedString(watch.raftTerm()));
            Response.Stream body = response.stream(200);
            while (!client.isGone()) {
                byte[] event = watch.poll();
                if (event != null) {
                    body.write(event);
                    if (!stream) {
                        break;
                    }
                } else if (watch.isDone()) {
                    break;
                } else {
                    wakeup.await();
                }
            }
            if (client.isGone()) {
                response.closeAfter();
            } else {
                body.finish();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.closeAfter();
        }
    }
}
