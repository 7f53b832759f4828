package io.etcdj.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags every command shares, validated. {@code rate} 0 means unlimited; {@code maxDuration} caps
 * the whole command (setup included), after which it stops and reports what it measured.
 */
record GlobalOptions(List<String> endpoints, int conns, int clients, long total, double rate,
                     Duration maxDuration, boolean targetLeader) {

    static final List<Flag> FLAGS = List.of(
            Flag.value("endpoints", "127.0.0.1:2379", "gRPC endpoints, comma separated (host:port or http://host:port)"),
            Flag.value("conns", "1", "number of gRPC connections (channels); each is served by one event-loop thread"),
            Flag.value("clients", "1", "number of requests kept in flight at once"),
            Flag.value("total", "10000", "total number of requests"),
            Flag.value("rate", "0", "maximum requests per second (0 = unlimited)"),
            Flag.value("max-duration", "10m", "safety cap on the whole run; when reached, stop and report"),
            Flag.flagSwitch("target-leader", "send requests to the leader (accepted; every endpoint is used as given)"),
            Flag.value("user", "", "username[:password] for authentication (not supported yet)"),
            Flag.value("cert", "", "client TLS certificate (not supported yet)"),
            Flag.value("key", "", "client TLS key (not supported yet)"),
            Flag.value("cacert", "", "TLS CA bundle (not supported yet)"),
            Flag.flagSwitch("insecure-skip-tls-verify", "skip TLS verification (not supported yet)"),
            Flag.flagSwitch("help", "print usage"));

    static GlobalOptions from(CommandLine line) throws UsageException {
        if (!line.string("user").isEmpty()) {
            // TODO(auth): etcdj has no authentication yet; refuse rather than silently run unauthenticated.
            throw new UsageException("--user: authentication is not supported by this benchmark yet");
        }
        for (String tls : List.of("cert", "key", "cacert", "insecure-skip-tls-verify")) {
            if (line.isSet(tls)) {
                // TODO(tls): no TLS client yet; refuse rather than silently connect in plaintext.
                throw new UsageException("--" + tls + ": TLS is not supported by this benchmark yet; use plaintext endpoints");
            }
        }
        List<String> endpoints = new ArrayList<>();
        for (String e : line.string("endpoints").split(",")) {
            String endpoint = e.trim();
            if (endpoint.startsWith("https://")) {
                throw new UsageException("--endpoints " + endpoint + ": TLS is not supported by this benchmark yet");
            }
            if (endpoint.startsWith("http://")) {
                endpoint = endpoint.substring("http://".length());
            }
            if (!endpoint.isEmpty()) {
                Endpoints.parse(endpoint); // validates host:port
                endpoints.add(endpoint);
            }
        }
        if (endpoints.isEmpty()) {
            throw new UsageException("--endpoints must name at least one host:port");
        }
        return new GlobalOptions(List.copyOf(endpoints), line.intValue("conns", 1), line.intValue("clients", 1),
                line.longValue("total", 0), line.doubleValue("rate", 0), line.duration("max-duration"),
                line.bool("target-leader"));
    }
}
