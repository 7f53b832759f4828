package io.etcdj.v2store;

import io.etcdj.spi.server.V2Answer;
import java.nio.charset.StandardCharsets;

/**
 * Turns store results into the HTTP answers etcd 3.4's v2 keys API writes
 * (etcdserver/api/v2http/client.go): status, JSON body with its trailing newline, and the value of
 * {@code X-Etcd-Index}. Keys and error causes lose the {@value V2Service#KEYS_PREFIX} prefix of the
 * user namespace, as v2http trims them.
 *
 * <p>Headers: etcd sends {@code X-Raft-Index}/{@code X-Raft-Term} only with events and watches;
 * an error (status &ge; 400) carries only {@code X-Etcd-Index}. The results built here still fill
 * raftIndex/raftTerm; the HTTP front end omits them for errors.
 */
public final class V2Answers {
    /** etcd's ErrUnknownMethod text, answered when a request's method is none of the v2 ones. */
    static final String UNKNOWN_METHOD = "etcdserver: unknown method";
    /** v2http's text when the server answers neither event nor watcher (SYNC, membership writes). */
    static final String NO_EVENT = "received response with no Event/Watcher";

    private V2Answers() {
    }

    /**
     * etcd's {@code writeKeyEvent}: 201 for a created node ({@link Event#isCreated()}), else 200;
     * {@code X-Etcd-Index} is the event's etcdIndex.
     */
    public static V2Answer.Result event(Event e, long raftIndex, long raftTerm) {
        return new V2Answer.Result(e.isCreated() ? 201 : 200, eventBody(e), e.etcdIndex(), raftIndex, raftTerm);
    }

    /**
     * etcd's {@code Error.WriteTo} after {@code trimErrorPrefix}: the error's status, its JSON with
     * the cause trimmed, {@code X-Etcd-Index} = the error's index.
     */
    public static V2Answer.Result error(V2Error err, long raftIndex, long raftTerm) {
        V2Error trimmed = err.withoutCausePrefix(V2Service.KEYS_PREFIX);
        byte[] body = (V2Json.error(trimmed) + "\n").getBytes(StandardCharsets.UTF_8);
        return new V2Answer.Result(trimmed.statusCode(), body, trimmed.index(), raftIndex, raftTerm);
    }

    /**
     * v2http's {@code noValueOnSuccess=true}: a successful set, compareAndSwap, create or update
     * answers without node and prevNode (status and headers unchanged); anything else is returned as is.
     * The flag is a query parameter that never reaches the server, so the front end applies it.
     */
    public static V2Answer.Result withoutNodes(V2Answer.Result r) {
        if (r.status() >= 300) {
            return r;
        }
        String body = new String(r.body(), StandardCharsets.UTF_8);
        String action = actionOf(body);
        if (action == null || !(action.equals(Action.SET.wireName()) || action.equals(Action.COMPARE_AND_SWAP.wireName())
                || action.equals(Action.CREATE.wireName()) || action.equals(Action.UPDATE.wireName()))) {
            return r;
        }
        // Answers never carry "refresh" (see eventBody), so the action is all that is left.
        String stripped = "{\"action\":\"" + action + "\"}\n";
        return new V2Answer.Result(r.status(), stripped.getBytes(StandardCharsets.UTF_8), r.etcdIndex(),
                r.raftIndex(), r.raftTerm());
    }

    /** What etcd answers for a non-v2 error: 500, code 300 "Raft Internal Error" with the error text, index 0. */
    static V2Answer.Result internalError(String cause, long raftIndex, long raftTerm) {
        return error(new V2Error(V2ErrorCode.RAFT_INTERNAL, cause, 0), raftIndex, raftTerm);
    }

    /**
     * One event as etcd encodes it for a response or a watch: trimmed keys, JSON, newline. Never
     * with {@code "refresh":true}: v2http trims a clone of the event, and etcd's {@code Event.Clone}
     * does not copy {@code Refresh}.
     */
    static byte[] eventBody(Event e) {
        Event trimmed = e.withoutKeyPrefix(V2Service.KEYS_PREFIX);
        Event answered = new Event(trimmed.action(), trimmed.node(), trimmed.prevNode(), trimmed.etcdIndex(), false);
        return (V2Json.event(answered) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The action of an event body written by {@link V2Json#event}, or null if it is not one. */
    private static String actionOf(String body) {
        String start = "{\"action\":\"";
        if (!body.startsWith(start)) {
            return null;
        }
        int end = body.indexOf('"', start.length());
        return end < 0 ? null : body.substring(start.length(), end);
    }
}
