package io.etcdj.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads etcd 3.4's command line, {@code ETCD_*} environment and {@code --config-file} the way etcd does
 * ({@code etcdmain.config.parse} and the derivations in {@code startEtcdOrProxyV2}), then applies etcdj's
 * support policy ({@link Support}).
 *
 * <p>Usage from Main:
 * <pre>{@code
 * switch (ConfigParser.parse(args, System.getenv())) {
 *     case ParseResult.Run run -> start(run.config());            // log run.config().warnings() first
 *     case ParseResult.Help help -> { System.err.print(help.stderr()); System.out.print(help.stdout()); exit(0); }
 *     case ParseResult.Version v -> { System.out.print(v.stdout()); exit(0); }
 *     case ParseResult.Failure f -> { System.err.print(f.stderrText()); exit(f.exitCode()); }
 * }
 * }</pre>
 * A failure's exit code is etcd's: 2 for flag syntax errors (which etcd follows with its usage summary), 1 for
 * everything else. The order of etcd's decisions is kept: flag syntax, then {@code --help}, then positional
 * arguments, then {@code --version}, then the config file or the environment, then validation.
 */
public final class ConfigParser {
    private static final String DEFAULT_INITIAL_CLUSTER = Flags.INITIAL_CLUSTER.defaultValue();
    private static final URI DEFAULT_ADVERTISE_PEER_URL = URI.create("http://localhost:2380");
    private static final URI DEFAULT_ADVERTISE_CLIENT_URL = URI.create("http://localhost:2379");
    private static final int BCRYPT_MIN_COST = 4;
    private static final int BCRYPT_MAX_COST = 31;
    private static final long BCRYPT_DEFAULT_COST = 10;

    private final DefaultHost defaultHost;

    /** A parser that looks up the machine's default host as etcd does (used only for 0.0.0.0 listeners). */
    public ConfigParser(DefaultHost defaultHost) {
        this.defaultHost = Objects.requireNonNull(defaultHost);
    }

    /**
     * Parses etcd's arguments (without the program name) and environment.
     *
     * @param args the command-line arguments
     * @param env  the process environment (only {@code ETCD_*} variables matter)
     */
    public static ParseResult parse(String[] args, Map<String, String> env) {
        return new ConfigParser(DefaultHost.system()).parseArguments(args, env);
    }

    /** As {@link #parse(String[], Map)}, with this parser's default-host lookup. */
    public ParseResult parseArguments(String[] args, Map<String, String> env) {
        FlagValues values = new FlagValues();
        CommandLine.Outcome outcome = CommandLine.parse(List.of(args), values);
        CommandLine.Parsed parsed;
        switch (outcome) {
            case CommandLine.HelpRequested help -> {
                return new ParseResult.Help(Usage.flags() + "\n", Usage.usageLine() + "\n");
            }
            case CommandLine.SyntaxError error -> {
                return new ParseResult.Failure(error.message(), 2, true);
            }
            case CommandLine.Parsed p -> parsed = p;
        }
        if (!parsed.positional().isEmpty()) {
            return new ParseResult.Failure("'" + parsed.positional().get(0) + "' is not a valid flag", 1, false);
        }
        if (values.get(Flags.VERSION)) {
            return new ParseResult.Version(VersionInfo.current().text());
        }
        try {
            return new ParseResult.Run(configure(values, env, parsed.warnings()));
        } catch (ConfigException e) {
            return new ParseResult.Failure(e.getMessage(), e.exitCode(), false);
        }
    }

    private EtcdConfig configure(FlagValues values, Map<String, String> env, List<String> legacyWarnings)
            throws ConfigException {
        List<String> infos = new ArrayList<>();
        List<String> warnings = new ArrayList<>(legacyWarnings);

        String configFile = values.get(Flags.CONFIG_FILE);
        ValueSource configFileSource = ValueSource.COMMAND_LINE;
        if (configFile.isEmpty()) {
            configFile = env.getOrDefault(Flags.CONFIG_FILE.environmentVariable(), "");
            configFileSource = ValueSource.ENVIRONMENT;
        }
        Optional<Path> file = configFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(configFile));
        if (file.isPresent()) {
            // As in etcd, the file replaces the command line and the environment entirely.
            values = new FlagValues();
            values.put(Flags.CONFIG_FILE, configFile, configFileSource);
            ConfigFile.Loaded loaded = ConfigFile.load(file.get(), values);
            infos.addAll(loaded.infos());
            warnings.addAll(loaded.warnings());
        } else {
            EnvironmentFlags.Applied applied = EnvironmentFlags.apply(env, values);
            infos.addAll(applied.infos());
            warnings.addAll(applied.warnings());
            applyCommandLineDefaults(values);
        }

        SupportPolicy.refuseUnsupported(values);
        warnings.addAll(SupportPolicy.ignoredWarnings(values));
        warnings.addAll(Validation.validate(values));

        long retention = compactionRetention(values.get(Flags.AUTO_COMPACTION_MODE),
                values.get(Flags.AUTO_COMPACTION_RETENTION));
        long bcryptCost = values.get(Flags.BCRYPT_COST);
        if (bcryptCost < BCRYPT_MIN_COST || bcryptCost > BCRYPT_MAX_COST) {
            warnings.add("Use default bcrypt-cost " + BCRYPT_DEFAULT_COST + " instead of the invalid value "
                    + bcryptCost);
            bcryptCost = BCRYPT_DEFAULT_COST;
        }

        Advertised advertised = advertise(values, infos);
        String dataDir = values.get(Flags.DATA_DIR);
        if (dataDir.isEmpty()) {
            dataDir = values.get(Flags.NAME) + ".etcd";
            warnings.add("no data-dir provided, using default data-dir ./" + dataDir);
        }
        EtcdConfig.Derived derived = new EtcdConfig.Derived(dataDir, advertised.initialCluster, advertised.peerUrls,
                advertised.clientUrls, retention, bcryptCost, file);
        return new EtcdConfig(values, derived, infos, warnings);
    }

    /**
     * etcd's {@code configFromCmdLine} adjustments: listening on explicit client URLs without advertising any
     * drops the default advertise URL (so validation asks for one), and discovery drops the default initial
     * cluster.
     */
    private static void applyCommandLineDefaults(FlagValues values) {
        boolean mayBeProxy = !values.get(Flags.PROXY).equals("off")
                || !values.get(Flags.DISCOVERY_URL).isEmpty() && values.get(Flags.DISCOVERY_FALLBACK).equals("proxy");
        if (!mayBeProxy && values.isSet(Flags.LISTEN_CLIENT_URLS) && !values.isSet(Flags.ADVERTISE_CLIENT_URLS)) {
            values.put(Flags.ADVERTISE_CLIENT_URLS, UrlList.of(List.of()), ValueSource.DEFAULT);
        }
        boolean discovery = !values.get(Flags.DISCOVERY_URL).isEmpty() || !values.get(Flags.DISCOVERY_SRV).isEmpty()
                || !values.get(Flags.DISCOVERY_SRV_NAME).isEmpty();
        if (discovery && !values.isSet(Flags.INITIAL_CLUSTER)) {
            values.put(Flags.INITIAL_CLUSTER, "", ValueSource.DEFAULT);
        }
    }

    private record Advertised(List<URI> peerUrls, List<URI> clientUrls, String initialCluster) {
    }

    /**
     * etcd's {@code UpdateDefaultClusterFromName}: a member listening on {@code 0.0.0.0} with the default
     * advertise URL advertises the machine's default host instead of localhost; a member given only a name
     * gets an initial cluster of that name and its advertised peer URLs.
     */
    private Advertised advertise(FlagValues values, List<String> infos) {
        List<URI> peerUrls = new ArrayList<>(values.get(Flags.INITIAL_ADVERTISE_PEER_URLS).uris());
        List<URI> clientUrls = new ArrayList<>(values.get(Flags.ADVERTISE_CLIENT_URLS).uris());
        String name = values.get(Flags.NAME);
        String initialCluster = values.get(Flags.INITIAL_CLUSTER);
        Optional<String> host = defaultHost.lookup();
        boolean used = false;
        if (host.isPresent()) {
            URI listenPeer = values.get(Flags.LISTEN_PEER_URLS).uris().get(0);
            if (peerUrls.equals(List.of(DEFAULT_ADVERTISE_PEER_URL)) && isAnyAddress(listenPeer)) {
                peerUrls.set(0, withHost(peerUrls.get(0), host.get(), listenPeer));
                used = true;
            }
        }
        if (!name.equals("default") && initialCluster.equals(DEFAULT_INITIAL_CLUSTER)) {
            initialCluster = initialClusterFromName(name, peerUrls);
        }
        if (host.isPresent()) {
            URI listenClient = values.get(Flags.LISTEN_CLIENT_URLS).uris().get(0);
            if (clientUrls.equals(List.of(DEFAULT_ADVERTISE_CLIENT_URL)) && isAnyAddress(listenClient)) {
                clientUrls.set(0, withHost(clientUrls.get(0), host.get(), listenClient));
                used = true;
            }
            if (used) {
                infos.add("advertising using detected default host " + GoText.quote(host.get()));
            }
        }
        return new Advertised(peerUrls, clientUrls, initialCluster);
    }

    private static boolean isAnyAddress(URI listen) {
        return Validation.hostOf(listen).equals("0.0.0.0");
    }

    /** {@code scheme://<default host>:<listen port>}; an IPv6 host is bracketed (etcd would not). */
    private static URI withHost(URI advertised, String host, URI listen) {
        String authority = listen.getRawAuthority();
        String port = authority.substring(authority.lastIndexOf(':') + 1);
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        return URI.create(advertised.getScheme() + "://" + shownHost + ":" + port);
    }

    /** etcd's {@code InitialClusterFromName}. */
    static String initialClusterFromName(String name, List<URI> advertisePeerUrls) {
        String member = name.isEmpty() ? "default" : name;
        List<String> pairs = advertisePeerUrls.stream().map(u -> member + "=" + u).toList();
        return String.join(",", pairs);
    }

    /**
     * etcd's {@code parseCompactionRetention}: a non-negative integer is hours (periodic) or revisions
     * (revision); anything else must be a Go duration. Returns nanoseconds or revisions.
     */
    static long compactionRetention(String mode, String retention) throws ConfigException {
        String text = retention.isEmpty() ? "0" : retention;
        Long integer = atoi(text);
        if (integer != null && integer >= 0) {
            return switch (mode) {
                case "revision" -> integer;
                case "periodic" -> {
                    try {
                        yield Duration.ofHours(integer).toNanos();
                    } catch (ArithmeticException e) {
                        throw ConfigException.invalid("error parsing CompactionRetention: "
                                + GoText.quote(text) + " hours is too long");
                    }
                }
                default -> 0L;
            };
        }
        try {
            return GoDuration.parse(text).toNanos();
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("error parsing CompactionRetention: " + e.getMessage());
        }
    }

    /** Go's {@code strconv.Atoi}: optional sign and decimal digits, in range; null otherwise. */
    private static Long atoi(String s) {
        if (!s.matches("[+-]?[0-9]+")) {
            return null;
        }
        try {
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
