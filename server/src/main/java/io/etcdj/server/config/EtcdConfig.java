package io.etcdj.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete, validated etcd 3.4 configuration: the value of every flag ({@link #get(Flag)}), where each came
 * from ({@link #source(Flag)}), typed accessors for the flags etcdj supports, the values etcd derives after
 * parsing (data directory, initial cluster, advertised URLs on {@code 0.0.0.0}), and the info and warning lines
 * etcd would log while reading the configuration. Immutable. Built by {@link ConfigParser}.
 */
public final class EtcdConfig {
    /** etcd's backend quota when {@code --quota-backend-bytes} is 0: 2 GiB. */
    public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L * 1024 * 1024 * 1024;
    /** The largest quota etcd recommends (it warns above it): 8 GiB. */
    public static final long MAX_QUOTA_BACKEND_BYTES = 8L * 1024 * 1024 * 1024;

    private final Map<Flag<?>, Object> values;
    private final Map<Flag<?>, ValueSource> sources;
    private final Derived derived;
    private final List<String> infos;
    private final List<String> warnings;

    /**
     * What etcd computes from the flags after parsing.
     *
     * @param dataDir                   {@code --data-dir}, or {@code <name>.etcd}
     * @param initialCluster            {@code --initial-cluster}, rewritten from the name when only the name was given
     * @param initialAdvertisePeerUrls  after the default-host rewrite
     * @param advertiseClientUrls       after the default-host rewrite
     * @param compactionRetention       the parsed {@code --auto-compaction-retention}: nanoseconds in periodic
     *                                  mode, a revision count in revision mode (one number, as in etcd)
     * @param bcryptCost                {@code --bcrypt-cost}, or 10 when out of bcrypt's range
     * @param configFile                the file read, if any
     */
    record Derived(String dataDir, String initialCluster, List<URI> initialAdvertisePeerUrls,
                   List<URI> advertiseClientUrls, long compactionRetention, long bcryptCost,
                   Optional<Path> configFile) {
        Derived {
            initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
            advertiseClientUrls = List.copyOf(advertiseClientUrls);
        }
    }

    EtcdConfig(FlagValues values, Derived derived, List<String> infos, List<String> warnings) {
        this.values = values.snapshotValues();
        this.sources = values.snapshotSources();
        this.derived = Objects.requireNonNull(derived);
        this.infos = List.copyOf(infos);
        this.warnings = List.copyOf(warnings);
    }

    /** The value of any flag, as parsed (before etcd's derivations; see the typed accessors for those). */
    @SuppressWarnings("unchecked")
    public <T> T get(Flag<T> flag) {
        return (T) values.get(flag);
    }

    /** Where the flag's value came from. */
    public ValueSource source(Flag<?> flag) {
        return sources.get(flag);
    }

    /** Whether the flag was given on the command line, in the environment or in the config file. */
    public boolean isSet(Flag<?> flag) {
        return source(flag) != ValueSource.DEFAULT;
    }

    /** etcd's info lines from reading the configuration (environment variables used, config file read, ...). */
    public List<String> infos() {
        return infos;
    }

    /**
     * Warnings to log before starting: etcd's (legacy flags, unrecognized {@code ETCD_*} variables, deprecated
     * flags, defaulted data directory) and etcdj's (flags it ignores).
     */
    public List<String> warnings() {
        return warnings;
    }

    // ---- Member

    public String name() {
        return get(Flags.NAME);
    }

    /** {@code --data-dir}, defaulting to {@code <name>.etcd} as etcd does. */
    public Path dataDir() {
        return Path.of(derived.dataDir());
    }

    /** {@code --wal-dir}, when a dedicated WAL directory was given. */
    public Optional<Path> walDir() {
        String dir = get(Flags.WAL_DIR);
        return dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    public long snapshotCount() {
        return get(Flags.SNAPSHOT_COUNT);
    }

    /** {@code --heartbeat-interval} (etcd's tick). */
    public Duration heartbeatInterval() {
        return Duration.ofMillis(get(Flags.HEARTBEAT_INTERVAL));
    }

    public Duration electionTimeout() {
        return Duration.ofMillis(get(Flags.ELECTION_TIMEOUT));
    }

    /** etcd's {@code ElectionTicks()}: election timeout divided by heartbeat interval (at least 5, by validation). */
    public int electionTicks() {
        return Math.toIntExact(get(Flags.ELECTION_TIMEOUT) / get(Flags.HEARTBEAT_INTERVAL));
    }

    public boolean initialElectionTickAdvance() {
        return get(Flags.INITIAL_ELECTION_TICK_ADVANCE);
    }

    /** In etcd's order: sorted by string form. */
    public List<URI> listenPeerUrls() {
        return get(Flags.LISTEN_PEER_URLS).uris();
    }

    public List<URI> listenClientUrls() {
        return get(Flags.LISTEN_CLIENT_URLS).uris();
    }

    public long maxSnapshots() {
        return get(Flags.MAX_SNAPSHOTS);
    }

    public long maxWals() {
        return get(Flags.MAX_WALS);
    }

    /** As given: 0 means {@link #DEFAULT_QUOTA_BACKEND_BYTES}, negative disables the quota. */
    public long quotaBackendBytes() {
        return get(Flags.QUOTA_BACKEND_BYTES);
    }

    public long maxTxnOps() {
        return get(Flags.MAX_TXN_OPS);
    }

    public long maxRequestBytes() {
        return get(Flags.MAX_REQUEST_BYTES);
    }

    // ---- Clustering

    /** The advertised peer URLs, after etcd's rewrite of the default for members listening on 0.0.0.0. */
    public List<URI> initialAdvertisePeerUrls() {
        return derived.initialAdvertisePeerUrls();
    }

    /**
     * The advertised client URLs, after etcd's rewrite of the default for members listening on 0.0.0.0. Never
     * empty (validation requires them when {@code --listen-client-urls} is given).
     */
    public List<URI> advertiseClientUrls() {
        return derived.advertiseClientUrls();
    }

    /**
     * {@code --initial-cluster} as etcd uses it: when not given, {@code <name>=<advertised peer URL>,...}.
     * Empty when discovery is configured (which etcdj refuses).
     */
    public String initialCluster() {
        return derived.initialCluster();
    }

    /**
     * {@link #initialCluster()} parsed as etcd's {@code types.NewURLsMap}: member name to its peer URLs (sorted),
     * members in order of first appearance. etcd parses it only when bootstrapping a new member.
     *
     * @throws ConfigException with etcd's text, {@code error setting up initial cluster: ...}
     */
    public Map<String, List<URI>> initialClusterMembers() throws ConfigException {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        for (String pair : initialCluster().split(",", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String memberName = eq < 0 ? pair : pair.substring(0, eq);
            String url = eq < 0 ? "" : pair.substring(eq + 1);
            raw.computeIfAbsent(memberName, k -> new ArrayList<>()).add(url);
        }
        Map<String, List<URI>> members = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : raw.entrySet()) {
            try {
                members.put(entry.getKey(), EtcdUrls.parse(String.join(",", entry.getValue())));
            } catch (EtcdUrls.UrlListException e) {
                throw ConfigException.invalid("error setting up initial cluster: " + e.getMessage());
            }
        }
        return Collections.unmodifiableMap(members);
    }

    public String initialClusterToken() {
        return get(Flags.INITIAL_CLUSTER_TOKEN);
    }

    /** {@code new} or {@code existing}. */
    public String initialClusterState() {
        return get(Flags.INITIAL_CLUSTER_STATE);
    }

    public boolean isNewCluster() {
        return initialClusterState().equals("new");
    }

    /** Reject membership changes that would lose quorum (default true). */
    public boolean strictReconfigCheck() {
        return get(Flags.STRICT_RECONFIG_CHECK);
    }

    public boolean enableV2() {
        return get(Flags.ENABLE_V2);
    }

    // ---- Compaction

    /** {@code periodic}, {@code revision}, or empty (only from a config file; compaction then stays off). */
    public String autoCompactionMode() {
        return get(Flags.AUTO_COMPACTION_MODE);
    }

    /** {@code --auto-compaction-retention} as given. */
    public String autoCompactionRetention() {
        return get(Flags.AUTO_COMPACTION_RETENTION);
    }

    /**
     * The periodic retention: a duration ({@code 5m}) or a bare number of hours; zero disables compaction.
     * Meaningful in periodic mode.
     */
    public Duration autoCompactionPeriod() {
        return Duration.ofNanos(derived.compactionRetention());
    }

    /**
     * The number of revisions to keep in revision mode; zero disables compaction. As in etcd, a duration given
     * in revision mode counts its nanoseconds as revisions.
     */
    public long autoCompactionRevisions() {
        return derived.compactionRetention();
    }

    // ---- Logging

    /** {@code capnslog} (etcd 3.4's default) or {@code zap}. */
    public String logger() {
        return get(Flags.LOGGER);
    }

    /** The level, {@code debug} when the deprecated {@code --debug} is given with the capnslog logger (as in etcd). */
    public String logLevel() {
        return get(Flags.DEBUG) && logger().equals("capnslog") ? "debug" : get(Flags.LOG_LEVEL);
    }

    /** The log outputs after reconciling the deprecated {@code --log-output}: {@code default}, {@code stderr}, ... */
    public List<String> logOutputs() {
        return get(Flags.LOG_OUTPUTS);
    }

    // ---- Auth

    /** {@code simple} (the only token type etcdj accepts). */
    public String authToken() {
        return get(Flags.AUTH_TOKEN);
    }

    /** The bcrypt cost, replaced by 10 (with a warning) when outside bcrypt's 4..31, as etcd does. */
    public int bcryptCost() {
        return Math.toIntExact(derived.bcryptCost());
    }

    public Duration authTokenTtl() {
        return Duration.ofSeconds(get(Flags.AUTH_TOKEN_TTL));
    }

    // ---- etcdj

    /** The storage plugin name. */
    public String store() {
        return get(Flags.STORE);
    }

    /** The transport plugin name. */
    public String transport() {
        return get(Flags.TRANSPORT);
    }

    /** Options for the storage plugin, in the order given. */
    public Map<String, String> storeOptions() {
        return get(Flags.STORE_OPT);
    }

    /** The config file read (the command line and environment were then ignored, as in etcd). */
    public Optional<Path> configFile() {
        return derived.configFile();
    }
}
