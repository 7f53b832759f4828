package io.etcdj.server.config;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The value of a URL-list flag ({@code --listen-client-urls}, {@code --cors}, ...), as etcd's
 * {@code flags.UniqueURLs} holds it.
 *
 * @param uris   the parsed URLs, sorted by string form as etcd sorts them
 * @param values every raw string the flag holds, sorted: the URLs' string forms and any exception strings
 *               the flag allows ({@code *} for {@code --cors}, the empty string for the listen URLs)
 */
public record UrlList(List<URI> uris, Set<String> values) {
    public UrlList {
        uris = List.copyOf(uris);
        values = Collections.unmodifiableSortedSet(new TreeSet<>(values));
    }

    static UrlList of(List<URI> uris) {
        TreeSet<String> values = new TreeSet<>();
        uris.forEach(u -> values.add(u.toString()));
        return new UrlList(uris, values);
    }

    static UrlList exception(String value) {
        return new UrlList(List.of(), Set.of(value));
    }
}
