package io.etcdj.transport.http.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Go's {@code Request.ParseForm} (Go 1.19): the query, and for POST, PUT and PATCH a urlencoded body. */
final class GoForm {
    /** Go's own limit on a urlencoded body. */
    static final long MAX_FORM_BYTES = 10L << 20;

    private GoForm() {
    }

    /** The form, and the first error Go would report (its text) or null. */
    static FormValues.Parsed parse(Request request) {
        FormValues form = new FormValues();
        String error = null;
        String method = request.method();
        if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            MediaType ct = MediaType.parse(request.headers().first("Content-Type"));
            error = ct.error();
            if ("application/x-www-form-urlencoded".equals(ct.type())) {
                try {
                    byte[] body = request.body().readNBytes((int) MAX_FORM_BYTES + 1);
                    if (body.length > MAX_FORM_BYTES) {
                        return new FormValues.Parsed(form, "http: POST too large");
                    }
                    FormValues.Parsed post = FormValues.parse(new String(body, StandardCharsets.UTF_8));
                    form.addAll(post.values());
                    if (error == null) {
                        error = post.error();
                    }
                } catch (RequestBody.TooLarge e) {
                    // Go's message for a body over its limit; ours is lower (--max-request-bytes).
                    return new FormValues.Parsed(form, "http: POST too large");
                } catch (IOException e) {
                    if (error == null) {
                        error = "unexpected EOF";
                    }
                }
            }
        }
        FormValues.Parsed query = FormValues.parse(request.rawQuery());
        form.addAll(query.values());
        if (error == null) {
            error = query.error();
        }
        return new FormValues.Parsed(form, error);
    }

    /**
     * Go's {@code mime.ParseMediaType} as far as ParseForm depends on it: the lower-cased type, or
     * "" and Go's error when there is none. An absent header counts as application/octet-stream.
     */
    record MediaType(String type, String error) {
        static MediaType parse(String header) {
            if (header == null || header.isEmpty()) {
                return new MediaType("application/octet-stream", null);
            }
            int semicolon = header.indexOf(';');
            String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                return new MediaType("", "mime: no media type");
            }
            int slash = type.indexOf('/');
            if (slash < 0) {
                return new MediaType("", "mime: expected slash after first token");
            }
            if (slash == type.length() - 1) {
                return new MediaType("", "mime: expected token after slash");
            }
            return new MediaType(type, null);
        }
    }
}
