package io.etcdj.transport.http.client;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.v2store.V2Error;
import io.etcdj.v2store.V2ErrorCode;
import io.etcdj.v2store.V2Requests;
import java.time.Instant;

/**
 * etcd 3.4's {@code parseKeyRequest} (v2http/client.go): the form of a {@code /v2/keys} request
 * turned into the server's v2 request, with the same checks in the same order and the same error
 * codes and causes (209 Invalid field, 202 TTL not a number, 203 index not a number, 210 invalid
 * form, 201, 211, 212).
 */
final class KeyRequestParser {
    static final String KEYS_PREFIX = "/v2/keys";

    private KeyRequestParser() {
    }

    /** The request for the server, and v2http's {@code noValueOnSuccess} (which the front end applies). */
    record Parsed(V2Request request, boolean noValueOnSuccess) {
    }

    /** @throws V2Error what etcd answers for a request it refuses (index 0) */
    static Parsed parse(Request http, Instant now) {
        FormValues.Parsed parsedForm = GoForm.parse(http);
        if (parsedForm.error() != null) {
            throw error(V2ErrorCode.INVALID_FORM, parsedForm.error());
        }
        FormValues form = parsedForm.values();
        String path = http.path();
        if (!path.startsWith(KEYS_PREFIX)) {
            throw error(V2ErrorCode.INVALID_FORM, "incorrect key prefix");
        }
        V2Request.Builder r = V2Request.newBuilder()
                .setMethod(http.method())
                .setPath(V2Requests.keysPath(path.substring(KEYS_PREFIX.length())));
        r.setPrevIndex(uint(form, "prevIndex"));
        r.setSince(uint(form, "waitIndex"));
        r.setRecursive(bool(form, "recursive"));
        r.setSorted(bool(form, "sorted"));
        r.setWait(bool(form, "wait"));
        r.setDir(bool(form, "dir"));
        r.setQuorum(bool(form, "quorum"));
        r.setStream(bool(form, "stream"));
        if (r.getWait() && !http.method().equals("GET")) {
            throw error(V2ErrorCode.INVALID_FIELD, "\"wait\" can only be used with GET requests");
        }
        String prevValue = form.first("prevValue");
        if (form.has("prevValue") && prevValue.isEmpty()) {
            throw error(V2ErrorCode.PREV_VALUE_REQUIRED, "\"prevValue\" cannot be empty");
        }
        boolean noValueOnSuccess = bool(form, "noValueOnSuccess");
        // TTL is nullable: absent or empty means none.
        Long ttl = null;
        if (!form.first("ttl").isEmpty()) {
            try {
                ttl = GoStrconv.parseUint64(form.first("ttl"));
            } catch (GoStrconv.SyntaxError e) {
                throw error(V2ErrorCode.TTL_NAN, "invalid value for \"ttl\"");
            }
        }
        if (form.has("prevExist")) {
            try {
                r.setPrevExist(GoStrconv.parseBool(form.first("prevExist")));
            } catch (GoStrconv.SyntaxError e) {
                throw error(V2ErrorCode.INVALID_FIELD, "invalid value for prevExist");
            }
        }
        if (form.has("refresh")) {
            boolean refresh;
            try {
                refresh = GoStrconv.parseBool(form.first("refresh"));
            } catch (GoStrconv.SyntaxError e) {
                throw error(V2ErrorCode.INVALID_FIELD, "invalid value for refresh");
            }
            if (refresh) {
                if (form.has("value") && !form.first("value").isEmpty()) {
                    throw error(V2ErrorCode.REFRESH_VALUE, "A value was provided on a refresh");
                }
                if (ttl == null) {
                    throw error(V2ErrorCode.REFRESH_TTL_REQUIRED, "No TTL value set");
                }
            }
            r.setRefresh(refresh);
        }
        r.setVal(form.first("value")).setPrevValue(prevValue);
        if (ttl != null) {
            // Go: clock.Now().Add(time.Duration(ttl) * time.Second).UnixNano(), wrapping on overflow.
            long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            r.setExpiration(nowNanos + ttl * 1_000_000_000L);
        }
        return new Parsed(r.build(), noValueOnSuccess);
    }

    private static long uint(FormValues form, String key) {
        if (!form.has(key)) {
            return 0;
        }
        try {
            return GoStrconv.parseUint64(form.first(key));
        } catch (GoStrconv.SyntaxError e) {
            throw error(V2ErrorCode.INDEX_NAN, "invalid value for \"" + key + "\"");
        }
    }

    private static boolean bool(FormValues form, String key) {
        if (!form.has(key)) {
            return false;
        }
        try {
            return GoStrconv.parseBool(form.first(key));
        } catch (GoStrconv.SyntaxError e) {
            throw error(V2ErrorCode.INVALID_FIELD, "invalid value for \"" + key + "\"");
        }
    }

    private static V2Error error(V2ErrorCode code, String cause) {
        return new V2Error(code, cause, 0);
    }
}
