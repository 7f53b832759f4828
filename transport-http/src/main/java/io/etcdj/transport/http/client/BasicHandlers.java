package io.etcdj.transport.http.client;

import io.etcdj.api.etcdserverpb.AlarmMember;
import io.etcdj.api.etcdserverpb.AlarmRequest;
import io.etcdj.api.etcdserverpb.StatusRequest;
import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.V2Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What etcd serves on the client port beside the v2 and v3 APIs ({@code etcdhttp/base.go} and
 * {@code metrics.go}): {@code /version}, {@code /health} and {@code /metrics}.
 */
final class BasicHandlers {
    /** etcd's health check gives its quorum read this long. */
    private static final long HEALTH_READ_TIMEOUT_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(BasicHandlers.class.getName());

    private final EtcdServerApi server;

    BasicHandlers(EtcdServerApi server) {
        this.server = server;
    }

    /** {@code {"etcdserver":"3.4.23","etcdcluster":"3.4.0"}}; "not_decided" before the cluster version is. */
    void version(Request request, Response response) throws IOException {
        if (!Replies.allowMethod(request, response, "GET")) {
            return;
        }
        String cluster = server.clusterVersion();
        String json = "{\"etcdserver\":" + GoJsonText.quote(server.serverVersion()) + ",\"etcdcluster\":"
                + GoJsonText.quote(cluster == null ? "not_decided" : cluster) + "}";
        response.header("Content-Type", "application/json");
        response.send(200, json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * etcd 3.4's checkHealth: unhealthy with an active alarm (unless named in an {@code exclude}
     * parameter), without a leader, or when a quorum read fails within a second. Healthy answers
     * 200 {@code {"health":"true"}}; unhealthy 503 {@code {"health":"false"}} as plain text.
     */
    void health(Request request, Response response) throws IOException {
        if (!request.method().equals("GET")) {
            response.header("Allow", "GET");
            response.sendText(405, "Method Not Allowed");
            return;
        }
        Set<String> excluded = new HashSet<>();
        FormValues.Parsed query = FormValues.parse(request.rawQuery());
        if (query.values().has("exclude")) {
            excluded.addAll(query.values().all("exclude"));
        }
        String unhealthy = unhealthyBecause(excluded, Contexts.of(request));
        if (unhealthy != null) {
            LOG.log(System.Logger.Level.WARNING, "/health error; {0} (status code 503)", unhealthy);
            response.sendText(503, "{\"health\":\"false\"}");
            return;
        }
        response.header("Content-Type", "text/plain; charset=utf-8");
        response.send(200, "{\"health\":\"true\"}".getBytes(StandardCharsets.UTF_8));
    }

    /** Why the member is unhealthy, or null when it is healthy. */
    private String unhealthyBecause(Set<String> excludedAlarms, RequestContext context) throws IOException {
        try {
            List<AlarmMember> alarms = ServerCalls.await(() -> server.alarm(AlarmRequest.newBuilder()
                    .setAction(AlarmRequest.AlarmAction.GET).build(), context)).getAlarmsList();
            for (AlarmMember alarm : alarms) {
                if (!excludedAlarms.contains(alarm.getAlarm().name())) {
                    return "alarm " + alarm.getAlarm().name() + " on member " + Long.toHexString(alarm.getMemberID());
                }
            }
        } catch (ExecutionException e) {
            if (!(Replies.cause(e) instanceof EtcdException ee && ee.error() == EtcdError.NOT_IMPLEMENTED)) {
                return "cannot list alarms: " + Replies.message(e);
            }
        }
        try {
            if (ServerCalls.await(() -> server.status(StatusRequest.getDefaultInstance(), context)).getLeader() == 0) {
                return "no leader";
            }
        } catch (ExecutionException e) {
            return "cannot get status: " + Replies.message(e);
        }
        try {
            V2Answer answer = ServerCalls.start(() -> server.v2(V2Request.newBuilder().setMethod("QGET").build(), context))
                    .get(HEALTH_READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (answer instanceof V2Answer.Result r && r.status() >= 500) {
                return "QGET failed with status " + r.status();
            }
        } catch (ExecutionException e) {
            return "QGET failed " + Replies.message(e);
        } catch (TimeoutException e) {
            return "QGET failed: " + EtcdError.TIMEOUT.message();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        return null;
    }

    /** The server's Prometheus text (any method, as promhttp). */
    void metrics(Request request, Response response) throws IOException {
        byte[] text;
        try {
            text = ServerCalls.await(() -> server.metrics(Contexts.of(request)));
        } catch (ExecutionException e) {
            response.sendText(500, "An error has occurred while serving metrics:\n\n" + Replies.message(e));
            return;
        }
        response.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        response.send(200, text);
    }
}
