package io.etcdj.server.config;

import static io.etcdj.server.config.Support.IGNORED_WITH_WARNING;
import static io.etcdj.server.config.Support.REFUSED;
import static io.etcdj.server.config.Support.SUPPORTED;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every flag etcd 3.4 accepts ({@code etcdmain/config.go}), with etcd's defaults, plus etcdj's own
 * {@code --store}, {@code --transport} and {@code --store-opt}. The support classification and its reasons are
 * summarised in the package documentation; the reasons here are what users see in warnings and errors.
 */
public final class Flags {
    private Flags() {
    }

    private static final FlagType.StringType STRING = new FlagType.StringType();
    private static final FlagType.BoolType BOOL = new FlagType.BoolType();
    private static final FlagType.UintType UINT = new FlagType.UintType();
    private static final FlagType.IntType INT = new FlagType.IntType();
    private static final FlagType.DurationType DURATION = new FlagType.DurationType();
    private static final FlagType.UrlsType URLS = new FlagType.UrlsType(Set.of(""));
    private static final FlagType.UniqueStringsType UNIQUE_STRINGS = new FlagType.UniqueStringsType();

    private static final Map<String, Flag<?>> BY_NAME = new LinkedHashMap<>();

    // Reasons, shared by groups of flags.
    private static final String TLS = "TLS is not built";
    private static final String DISCOVERY = "discovery is not built; use --initial-cluster";
    private static final String V2_PROXY = "the v2 proxy is not built";
    private static final String GRPC_TUNING = "gRPC connection tuning; etcdj's defaults apply";
    private static final String BACKEND_TUNING = "bbolt backend tuning; etcdj's storage plugins commit on their own schedule";
    private static final String OBSERVABILITY = "metrics and profiling endpoints are not built";
    private static final String CORRUPTION_CHECK = "the corruption check is not built; it only detects, never prevents, divergence";

    // ---- Member
    public static final Flag<String> CONFIG_FILE = supported("config-file", STRING, "");
    public static final Flag<String> NAME = supported("name", STRING, "default");
    /** Empty means {@code <name>.etcd}, resolved by {@link EtcdConfig#dataDir()}. */
    public static final Flag<String> DATA_DIR = supported("data-dir", STRING, "");
    public static final Flag<String> WAL_DIR = supported("wal-dir", STRING, "");
    public static final Flag<Long> SNAPSHOT_COUNT = supported("snapshot-count", UINT, 100_000L);
    /** Milliseconds (a plain integer in etcd). */
    public static final Flag<Long> HEARTBEAT_INTERVAL = supported("heartbeat-interval", UINT, 100L);
    /** Milliseconds (a plain integer in etcd). */
    public static final Flag<Long> ELECTION_TIMEOUT = supported("election-timeout", UINT, 1000L);
    public static final Flag<Boolean> INITIAL_ELECTION_TICK_ADVANCE =
            supported("initial-election-tick-advance", BOOL, true);
    public static final Flag<UrlList> LISTEN_PEER_URLS =
            supported("listen-peer-urls", URLS, urls("http://localhost:2380"));
    public static final Flag<UrlList> LISTEN_CLIENT_URLS =
            supported("listen-client-urls", URLS, urls("http://localhost:2379"));
    public static final Flag<UrlList> LISTEN_METRICS_URLS =
            ignored("listen-metrics-urls", URLS, UrlList.of(List.of()), OBSERVABILITY);
    public static final Flag<Long> MAX_SNAPSHOTS = supported("max-snapshots", UINT, 5L);
    public static final Flag<Long> MAX_WALS = supported("max-wals", UINT, 5L);
    /** 0 means etcd's default quota (2 GiB); negative disables the quota. */
    public static final Flag<Long> QUOTA_BACKEND_BYTES = supported("quota-backend-bytes", INT, 0L);
    public static final Flag<Duration> BACKEND_BATCH_INTERVAL =
            ignored("backend-batch-interval", DURATION, Duration.ZERO, BACKEND_TUNING);
    public static final Flag<Long> BACKEND_BATCH_LIMIT = ignored("backend-batch-limit", INT, 0L, BACKEND_TUNING);
    public static final Flag<Long> MAX_TXN_OPS = supported("max-txn-ops", UINT, 128L);
    public static final Flag<Long> MAX_REQUEST_BYTES = supported("max-request-bytes", UINT, 1_572_864L);
    public static final Flag<Long> MAX_CONCURRENT_STREAMS =
            ignored("max-concurrent-streams", new FlagType.Uint32Type(), 4_294_967_295L, GRPC_TUNING);
    public static final Flag<Duration> GRPC_KEEPALIVE_MIN_TIME =
            ignored("grpc-keepalive-min-time", DURATION, Duration.ofSeconds(5), GRPC_TUNING);
    public static final Flag<Duration> GRPC_KEEPALIVE_INTERVAL =
            ignored("grpc-keepalive-interval", DURATION, Duration.ofHours(2), GRPC_TUNING);
    public static final Flag<Duration> GRPC_KEEPALIVE_TIMEOUT =
            ignored("grpc-keepalive-timeout", DURATION, Duration.ofSeconds(20), GRPC_TUNING);

    // ---- Clustering
    public static final Flag<UrlList> INITIAL_ADVERTISE_PEER_URLS =
            supported("initial-advertise-peer-urls", URLS, urls("http://localhost:2380"));
    public static final Flag<UrlList> ADVERTISE_CLIENT_URLS =
            supported("advertise-client-urls", URLS, urls("http://localhost:2379"));
    public static final Flag<String> DISCOVERY_URL = refused("discovery", STRING, "", DISCOVERY);
    /**
     * Only consulted together with {@code --discovery}, which etcdj refuses; so a non-default value changes
     * nothing and is merely warned about.
     */
    public static final Flag<String> DISCOVERY_FALLBACK = ignored("discovery-fallback",
            new FlagType.SelectiveType(Set.of("proxy", "exit")), "proxy", DISCOVERY);
    public static final Flag<String> DISCOVERY_PROXY = refused("discovery-proxy", STRING, "", DISCOVERY);
    public static final Flag<String> DISCOVERY_SRV = refused("discovery-srv", STRING, "", DISCOVERY);
    public static final Flag<String> DISCOVERY_SRV_NAME = refused("discovery-srv-name", STRING, "", DISCOVERY);
    /** Derived from the name and advertised peer URLs when not given; see {@link EtcdConfig#initialCluster()}. */
    public static final Flag<String> INITIAL_CLUSTER =
            supported("initial-cluster", STRING, "default=http://localhost:2380");
    public static final Flag<String> INITIAL_CLUSTER_TOKEN = supported("initial-cluster-token", STRING, "etcd-cluster");
    public static final Flag<String> INITIAL_CLUSTER_STATE = supported("initial-cluster-state",
            new FlagType.SelectiveType(Set.of("new", "existing")), "new");
    /**
     * SUPPORTED, not ignorable: with the default {@code true} etcd refuses membership changes that would lose
     * quorum. Ignoring the flag would be safe only if the server always applied the strict check.
     */
    public static final Flag<Boolean> STRICT_RECONFIG_CHECK = supported("strict-reconfig-check", BOOL, true);
    /**
     * etcd 3.4 defaults to false; etcdj serves both APIs by default (both are first-class here), and
     * {@code --enable-v2=false} turns the v2 keys API off.
     */
    public static final Flag<Boolean> ENABLE_V2 = supported("enable-v2", BOOL, true);
    /** Raft pre-vote (off by default in etcd 3.4): a partitioned member cannot disrupt the cluster when it returns. */
    public static final Flag<Boolean> PRE_VOTE = supported("pre-vote", BOOL, false);

    // ---- v2 proxy
    /** A proxy is a different kind of process: running as a member instead would be surprising. */
    public static final Flag<String> PROXY = refused("proxy",
            new FlagType.SelectiveType(Set.of("off", "readonly", "on")), "off", V2_PROXY);
    public static final Flag<Long> PROXY_FAILURE_WAIT = ignored("proxy-failure-wait", UINT, 5000L, V2_PROXY);
    public static final Flag<Long> PROXY_REFRESH_INTERVAL = ignored("proxy-refresh-interval", UINT, 30000L, V2_PROXY);
    public static final Flag<Long> PROXY_DIAL_TIMEOUT = ignored("proxy-dial-timeout", UINT, 1000L, V2_PROXY);
    public static final Flag<Long> PROXY_WRITE_TIMEOUT = ignored("proxy-write-timeout", UINT, 5000L, V2_PROXY);
    public static final Flag<Long> PROXY_READ_TIMEOUT = ignored("proxy-read-timeout", UINT, 0L, V2_PROXY);

    // ---- Security: every TLS flag is refused, since serving plaintext where TLS was asked for is insecure.
    public static final Flag<String> CERT_FILE = refused("cert-file", STRING, "", TLS);
    public static final Flag<String> KEY_FILE = refused("key-file", STRING, "", TLS);
    public static final Flag<Boolean> CLIENT_CERT_AUTH = refused("client-cert-auth", BOOL, false, TLS);
    public static final Flag<String> CLIENT_CRL_FILE = refused("client-crl-file", STRING, "", TLS);
    public static final Flag<String> CLIENT_CERT_ALLOWED_HOSTNAME =
            refused("client-cert-allowed-hostname", STRING, "", TLS);
    public static final Flag<String> TRUSTED_CA_FILE = refused("trusted-ca-file", STRING, "", TLS);
    public static final Flag<Boolean> AUTO_TLS = refused("auto-tls", BOOL, false, TLS);
    public static final Flag<String> PEER_CERT_FILE = refused("peer-cert-file", STRING, "", TLS);
    public static final Flag<String> PEER_KEY_FILE = refused("peer-key-file", STRING, "", TLS);
    public static final Flag<Boolean> PEER_CLIENT_CERT_AUTH = refused("peer-client-cert-auth", BOOL, false, TLS);
    public static final Flag<String> PEER_TRUSTED_CA_FILE = refused("peer-trusted-ca-file", STRING, "", TLS);
    public static final Flag<Boolean> PEER_AUTO_TLS = refused("peer-auto-tls", BOOL, false, TLS);
    public static final Flag<String> PEER_CRL_FILE = refused("peer-crl-file", STRING, "", TLS);
    public static final Flag<String> PEER_CERT_ALLOWED_CN = refused("peer-cert-allowed-cn", STRING, "", TLS);
    public static final Flag<String> PEER_CERT_ALLOWED_HOSTNAME =
            refused("peer-cert-allowed-hostname", STRING, "", TLS);
    public static final Flag<List<String>> CIPHER_SUITES =
            refused("cipher-suites", new FlagType.StringsType(), List.of(), TLS);
    /** Only loosens peer TLS, but without TLS it cannot mean what the user intends: refused with TLS. */
    public static final Flag<Boolean> EXPERIMENTAL_PEER_SKIP_CLIENT_SAN_VERIFICATION =
            refused("experimental-peer-skip-client-san-verification", BOOL, false, TLS);
    /**
     * Refused, not ignored: the default allows every origin, so a user who restricts origins asks for more
     * security, which ignoring the flag would silently withhold.
     */
    public static final Flag<UrlList> CORS = refused("cors", new FlagType.UrlsType(Set.of("*")),
            UrlList.exception("*"), "CORS origin checks are not built");
    /** Refused for the same reason as {@link #CORS}: it is etcd's DNS-rebinding protection (CVE-2018-5702). */
    public static final Flag<List<String>> HOST_WHITELIST = refused("host-whitelist", UNIQUE_STRINGS, List.of("*"),
            "the host whitelist (DNS rebinding protection) is not built");

    // ---- Auth
    /** Only {@code simple} tokens are built; a JWT configuration would otherwise silently issue simple tokens. */
    public static final Flag<String> AUTH_TOKEN = refused("auth-token", STRING, "simple",
            "only 'simple' auth tokens are built");
    /** Out-of-range costs fall back to the default with a warning, as in etcd. */
    public static final Flag<Long> BCRYPT_COST = supported("bcrypt-cost", UINT, 10L);
    /** Seconds. */
    public static final Flag<Long> AUTH_TOKEN_TTL = supported("auth-token-ttl", UINT, 300L);

    // ---- Profiling and monitoring
    public static final Flag<Boolean> ENABLE_PPROF = ignored("enable-pprof", BOOL, false, OBSERVABILITY);
    public static final Flag<String> METRICS = ignored("metrics", STRING, "basic", OBSERVABILITY);

    // ---- Logging
    public static final Flag<String> LOGGER = supported("logger", STRING, "capnslog");
    /** Deprecated spelling of {@link #LOG_OUTPUTS}, reconciled with it as etcd 3.4 does. */
    public static final Flag<List<String>> LOG_OUTPUT = supported("log-output", UNIQUE_STRINGS, List.of("default"));
    public static final Flag<List<String>> LOG_OUTPUTS = supported("log-outputs", UNIQUE_STRINGS, List.of("default"));
    /** Deprecated: means {@code --log-level=debug}. */
    public static final Flag<Boolean> DEBUG = supported("debug", BOOL, false);
    public static final Flag<String> LOG_LEVEL = supported("log-level", STRING, "info");
    public static final Flag<String> LOG_PACKAGE_LEVELS = ignored("log-package-levels", STRING, "",
            "per-package levels belong to etcd's capnslog logger");

    // ---- Version
    public static final Flag<Boolean> VERSION = supported("version", BOOL, false);

    // ---- Compaction
    public static final Flag<String> AUTO_COMPACTION_RETENTION = supported("auto-compaction-retention", STRING, "0");
    public static final Flag<String> AUTO_COMPACTION_MODE = supported("auto-compaction-mode", STRING, "periodic");

    // ---- Gateway (not in etcd's --help, but accepted)
    public static final Flag<Boolean> ENABLE_GRPC_GATEWAY = ignored("enable-grpc-gateway", BOOL, true,
            "etcdj decides which client endpoints its transport plugin serves");

    // ---- Experimental
    public static final Flag<Boolean> EXPERIMENTAL_INITIAL_CORRUPT_CHECK =
            ignored("experimental-initial-corrupt-check", BOOL, false, CORRUPTION_CHECK);
    public static final Flag<Duration> EXPERIMENTAL_CORRUPT_CHECK_TIME =
            ignored("experimental-corrupt-check-time", DURATION, Duration.ZERO, CORRUPTION_CHECK);
    public static final Flag<String> EXPERIMENTAL_ENABLE_V2V3 = ignored("experimental-enable-v2v3", STRING, "",
            "v2 emulation on the v3 store is not built");
    public static final Flag<String> EXPERIMENTAL_BACKEND_BBOLT_FREELIST_TYPE =
            ignored("experimental-backend-bbolt-freelist-type", STRING, "", BACKEND_TUNING);
    /** Without checkpoints a lease's TTL restarts on leader change: leases live longer, never shorter. */
    public static final Flag<Boolean> EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT =
            ignored("experimental-enable-lease-checkpoint", BOOL, false,
                    "lease checkpoints are not built; leases may outlive their TTL after a leader change");
    public static final Flag<Boolean> EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT_PERSIST =
            ignored("experimental-enable-lease-checkpoint-persist", BOOL, false,
                    "lease checkpoints are not built; leases may outlive their TTL after a leader change");
    public static final Flag<Long> EXPERIMENTAL_COMPACTION_BATCH_LIMIT =
            ignored("experimental-compaction-batch-limit", INT, 0L, BACKEND_TUNING);
    public static final Flag<Duration> EXPERIMENTAL_WATCH_PROGRESS_NOTIFY_INTERVAL =
            ignored("experimental-watch-progress-notify-interval", DURATION, Duration.ZERO,
                    "the progress notification interval is fixed in etcdj");
    public static final Flag<Duration> EXPERIMENTAL_WARNING_APPLY_DURATION =
            ignored("experimental-warning-apply-duration", DURATION, Duration.ofMillis(100),
                    "the slow-apply warning threshold is fixed in etcdj");

    // ---- Unsafe
    /** Asks for less durability; etcdj always syncs, which is only safer. */
    public static final Flag<Boolean> UNSAFE_NO_FSYNC = ignored("unsafe-no-fsync", BOOL, false,
            "etcdj always syncs to disk");
    /** A recovery action: running normally instead would silently not do what the operator asked. */
    public static final Flag<Boolean> FORCE_NEW_CLUSTER = refused("force-new-cluster", BOOL, false,
            "forced single-member recovery is not built");

    // ---- etcdj
    /** The storage plugin ({@code rocks}, {@code lmdb}, ...). */
    public static final Flag<String> STORE = supported("store", STRING, "rocks");
    /** The client transport plugin ({@code grpc}, {@code http}, ...). */
    public static final Flag<String> TRANSPORT = supported("transport", STRING, "grpc");
    /** The peer transport plugin, Raft traffic between members ({@code grpc} or {@code http}). */
    public static final Flag<String> PEER_TRANSPORT = supported("peer-transport", STRING, "grpc");
    /**
     * The most learners a cluster may have (etcd 3.4 fixes it at 1; 3.5 has --experimental-max-learners).
     * Every member must be given the same value: the apply step checks it.
     */
    public static final Flag<Long> MAX_LEARNERS = supported("max-learners", UINT, 1L);
    /** Storage plugin options, {@code key=value}; repeatable. */
    public static final Flag<Map<String, String>> STORE_OPT =
            supported("store-opt", new FlagType.StoreOptionsType(), Map.of());

    /** etcd's list of flags from older releases that it still accepts and ignores with a warning. */
    static final List<String> LEGACY_IGNORED = List.of(
            "cluster-active-size", "cluster-remove-delay", "cluster-sync-interval", "config", "force",
            "max-result-buffer", "max-retry-attempts", "peer-heartbeat-interval", "peer-election-timeout",
            "retry-interval", "snapshot", "v", "vv", "test.coverprofile", "test.outputdir");

    static {
        FlagType.LegacyIgnoredType legacy = new FlagType.LegacyIgnoredType();
        for (String name : LEGACY_IGNORED) {
            register(new Flag<>(name, legacy, "", IGNORED_WITH_WARNING, "no longer supported"));
        }
    }

    /** Every flag, in etcd's registration order (legacy ones last). */
    public static List<Flag<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(BY_NAME.values()));
    }

    /** The flag with this name (no dashes). */
    public static Optional<Flag<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    static boolean isLegacyIgnored(Flag<?> flag) {
        return flag.type() instanceof FlagType.LegacyIgnoredType;
    }

    private static UrlList urls(String url) {
        return UrlList.of(List.of(URI.create(url)));
    }

    private static <T> Flag<T> supported(String name, FlagType<T> type, T defaultValue) {
        return register(new Flag<>(name, type, defaultValue, SUPPORTED, ""));
    }

    private static <T> Flag<T> ignored(String name, FlagType<T> type, T defaultValue, String reason) {
        return register(new Flag<>(name, type, defaultValue, IGNORED_WITH_WARNING, reason));
    }

    private static <T> Flag<T> refused(String name, FlagType<T> type, T defaultValue, String reason) {
        return register(new Flag<>(name, type, defaultValue, REFUSED, reason));
    }

    private static <T> Flag<T> register(Flag<T> flag) {
        if (BY_NAME.putIfAbsent(flag.name(), flag) != null) {
            throw new IllegalStateException("duplicate flag " + flag.name());
        }
        return flag;
    }
}
