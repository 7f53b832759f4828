package io.etcdj.server.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * etcd 3.4's {@code embed.Config.Validate}, including its {@code setupLogging} checks, over parsed flag
 * values. Runs after etcdj's refusals, so the v2-proxy exemption etcd grants to a missing
 * {@code --advertise-client-urls} never applies (etcdj refuses {@code --proxy} and {@code --discovery}).
 */
final class Validation {
    private Validation() {
    }

    static final long MAX_ELECTION_MS = 50_000;
    private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");

    /**
     * Validates, reconciling the deprecated {@code --log-output} with {@code --log-outputs} in {@code values}.
     *
     * @return etcd's deprecation warnings
     */
    static List<String> validate(FlagValues values) throws ConfigException {
        List<String> warnings = new ArrayList<>(setupLogging(values));
        checkBindUrls(values.get(Flags.LISTEN_PEER_URLS).uris());
        checkBindUrls(values.get(Flags.LISTEN_CLIENT_URLS).uris());
        checkBindUrls(values.get(Flags.LISTEN_METRICS_URLS).uris());
        checkHostUrls("--initial-advertise-peer-urls", values.get(Flags.INITIAL_ADVERTISE_PEER_URLS).uris());
        checkHostUrls("--advertise-client-urls", values.get(Flags.ADVERTISE_CLIENT_URLS).uris());

        String state = values.get(Flags.INITIAL_CLUSTER_STATE);
        if (!state.equals("new") && !state.equals("existing")) {
            throw ConfigException.invalid("unexpected clusterState " + GoText.quote(state));
        }
        int bootstrapFlags = 0;
        for (Flag<String> flag : List.of(Flags.DISCOVERY_URL, Flags.INITIAL_CLUSTER, Flags.DISCOVERY_SRV)) {
            bootstrapFlags += values.get(flag).isEmpty() ? 0 : 1;
        }
        if (bootstrapFlags > 1) {
            throw ConfigException.invalid("multiple discovery or bootstrap flags are set. "
                    + "Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"");
        }
        long tickMs = values.get(Flags.HEARTBEAT_INTERVAL);
        long electionMs = values.get(Flags.ELECTION_TIMEOUT);
        if (tickMs <= 0) {
            throw ConfigException.invalid("--heartbeat-interval must be >0 (set to " + tickMs + "ms)");
        }
        if (electionMs <= 0) {
            throw ConfigException.invalid("--election-timeout must be >0 (set to " + electionMs + "ms)");
        }
        if (5 * tickMs > electionMs) {
            throw ConfigException.invalid("--election-timeout[" + electionMs
                    + "ms] should be at least as 5 times as --heartbeat-interval[" + tickMs + "ms]");
        }
        if (electionMs > MAX_ELECTION_MS) {
            throw ConfigException.invalid("--election-timeout[" + electionMs
                    + "ms] is too long, and should be set less than " + MAX_ELECTION_MS + "ms");
        }
        if (!values.get(Flags.LISTEN_CLIENT_URLS).uris().isEmpty()
                && values.get(Flags.ADVERTISE_CLIENT_URLS).uris().isEmpty()) {
            throw ConfigException.invalid(
                    "--advertise-client-urls is required when --listen-client-urls is set explicitly");
        }
        String mode = values.get(Flags.AUTO_COMPACTION_MODE);
        if (!mode.isEmpty() && !mode.equals("periodic") && !mode.equals("revision")) {
            throw ConfigException.invalid("unknown auto-compaction-mode " + GoText.quote(mode));
        }
        if (values.get(Flags.EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT_PERSIST)
                && !values.get(Flags.EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT)) {
            throw ConfigException.invalid(
                    "setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint");
        }
        return List.copyOf(warnings);
    }

    /**
     * etcd's {@code setupLogging} checks. etcd's warning about the default {@code capnslog} logger is left out:
     * etcdj has no capnslog, and the warning would greet every default start.
     */
    private static List<String> setupLogging(FlagValues values) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        List<String> deprecated = values.get(Flags.LOG_OUTPUT);
        List<String> outputs = values.get(Flags.LOG_OUTPUTS);
        if (deprecated.size() != outputs.size()) {
            if (deprecated.size() > outputs.size()) {
                warnings.add("'--log-output' flag has been deprecated! Please use '--log-outputs'!");
                values.put(Flags.LOG_OUTPUTS, deprecated, values.source(Flags.LOG_OUTPUT));
                outputs = deprecated;
            } else {
                values.put(Flags.LOG_OUTPUT, List.of(), values.source(Flags.LOG_OUTPUT));
            }
        } else {
            if (deprecated.size() > 1) {
                throw ConfigException.invalid("both '--log-output' and '--log-outputs' are set; only set '--log-outputs'");
            }
            if (deprecated.isEmpty()) {
                throw ConfigException.invalid("either '--log-output' or '--log-outputs' flag must be set");
            }
            if (deprecated.equals(outputs) && !deprecated.get(0).equals("default")) {
                throw ConfigException.invalid("'--log-output=" + GoText.quoteList(deprecated) + "' and '--log-outputs="
                        + GoText.quoteList(outputs) + "' are incompatible; only set --log-outputs");
            }
            if (!deprecated.equals(List.of("default"))) {
                warnings.add("Deprecated '--log-output' flag is set to " + GoText.quoteList(deprecated)
                        + "; Please use '--log-outputs' flag");
            }
        }
        boolean debug = values.get(Flags.DEBUG);
        String level = values.get(Flags.LOG_LEVEL);
        if (debug) {
            warnings.add("Deprecated '--debug' flag is set to true (use '--log-level=debug' instead)");
            if (!level.equals("debug")) {
                warnings.add("Deprecated '--debug' flag is set to true with inconsistent '--log-level=" + level
                        + "' flag");
            }
        }
        String logger = values.get(Flags.LOGGER);
        switch (logger) {
            case "capnslog" -> {
                if (outputs.size() != 1) {
                    throw ConfigException.invalid("--logger=capnslog supports only 1 value in '--log-outputs', got "
                            + GoText.quoteList(outputs));
                }
                String output = outputs.get(0);
                if (!Set.of("default", "stderr", "stdout").contains(output)) {
                    throw ConfigException.invalid("unknown log-output " + GoText.quote(output)
                            + " (only supports \"default\", \"stderr\", \"stdout\")");
                }
            }
            case "zap" -> {
                if (outputs.size() > 1 && outputs.contains("default")) {
                    throw ConfigException.invalid("multi logoutput for \"default\" is not supported yet");
                }
                if (outputs.contains("systemd/journal") && outputs.size() > 1) {
                    throw ConfigException.invalid("running with systemd/journal but other '--log-outputs' values ("
                            + GoText.quoteList(outputs) + ") are configured with 'default'; override 'default' value"
                            + " with something else");
                }
            }
            default -> throw ConfigException.invalid("unknown logger option " + GoText.quote(logger));
        }
        // etcd panics on an unknown level (except for capnslog with --debug); etcdj reports it instead.
        if (!LOG_LEVELS.contains(level) && !(debug && logger.equals("capnslog"))) {
            throw ConfigException.invalid("unknown level " + GoText.quote(level));
        }
        return warnings;
    }

    /** etcd's {@code checkBindURLs}: listen URLs must name an IP address or {@code localhost}. */
    private static void checkBindUrls(List<URI> urls) throws ConfigException {
        for (URI url : urls) {
            if (url.getScheme().equals("unix") || url.getScheme().equals("unixs")) {
                continue;
            }
            String host = hostOf(url);
            if (host.equals("localhost")) {
                continue;
            }
            if (!GoIp.isIp(host)) {
                throw ConfigException.invalid("expected IP in URL for binding (" + url + ")");
            }
        }
    }

    /** etcd's {@code checkHostURLs}: advertised URLs must name a host. */
    private static void checkHostUrls(String flag, List<URI> urls) throws ConfigException {
        for (URI url : urls) {
            if (hostOf(url).isEmpty()) {
                List<String> all = urls.stream().map(URI::toString).toList();
                throw ConfigException.invalid(flag + " " + GoText.quote(String.join(",", all))
                        + " must be \"host:port\" (unexpected empty host (" + url + "))");
            }
        }
    }

    /** The host part of a URL that passed {@link EtcdUrls} (so Go's {@code SplitHostPort} succeeds). */
    static String hostOf(URI url) {
        String authority = url.getRawAuthority() == null ? "" : url.getRawAuthority();
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host = EtcdUrls.HostPort.host(hostPort);
        return host == null ? "" : host;
    }
}
