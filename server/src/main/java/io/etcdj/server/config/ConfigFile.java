package io.etcdj.server.config;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * etcd 3.4's {@code --config-file}: a YAML file whose keys are the flag names, read as etcd reads it (YAML
 * converted to JSON, then decoded into etcd's config structs). So, as in etcd: values must have the JSON type of
 * etcd's field ({@code snapshot-count: "5"} is an error, durations are integer nanoseconds, URL lists are one
 * comma-separated string, {@code log-outputs} is a list), keys match case-insensitively, TLS settings sit under
 * {@code client-transport-security:} and {@code peer-transport-security:}, and the command line and environment
 * are ignored. Type errors carry etcd's text: {@code error unmarshaling JSON: while decoding JSON: json: cannot
 * unmarshal string into Go struct field configYAML.snapshot-count of type uint64}.
 *
 * <p>Differences: only the YAML subset of {@link YamlSubset} is read; unknown keys, which etcd ignores
 * silently, are warned about; etcdj's own keys {@code store}, {@code transport} and {@code store-opt} (a
 * mapping, a list of {@code key=value} strings or one such string) are accepted.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    /** The JSON shape etcd's Go field has. */
    private enum Kind {
        STRING("string"), BOOL("bool"), UINT64("uint64"), UINT("uint"), UINT32("uint32"), INT("int"),
        INT64("int64"), DURATION("time.Duration"), STRING_LIST("[]string"),
        /** A string etcd then parses as a URL list. */
        URLS("string"),
        /** A nested {@code securityConfig}. */
        SECURITY("embed.securityConfig"),
        /** etcdj's {@code store-opt}. */
        STORE_OPTIONS("map[string]string");

        final String goType;

        Kind(String goType) {
            this.goType = goType;
        }
    }

    private record Field(Flag<?> flag, Kind kind) {
    }

    /** Keys of etcd's {@code embed.configYAML} (plus etcdj's). */
    private static final Map<String, Field> MAIN = new LinkedHashMap<>();
    /** Keys of etcdmain's {@code configProxy}, decoded in a second pass. */
    private static final Map<String, Field> PROXY = new LinkedHashMap<>();
    private static final Map<String, Flag<?>> CLIENT_SECURITY = Map.of(
            "cert-file", Flags.CERT_FILE, "key-file", Flags.KEY_FILE, "client-cert-auth", Flags.CLIENT_CERT_AUTH,
            "trusted-ca-file", Flags.TRUSTED_CA_FILE, "auto-tls", Flags.AUTO_TLS);
    private static final Map<String, Flag<?>> PEER_SECURITY = Map.of(
            "cert-file", Flags.PEER_CERT_FILE, "key-file", Flags.PEER_KEY_FILE,
            "client-cert-auth", Flags.PEER_CLIENT_CERT_AUTH, "trusted-ca-file", Flags.PEER_TRUSTED_CA_FILE,
            "auto-tls", Flags.PEER_AUTO_TLS);

    static {
        main(Kind.STRING, Flags.NAME, Flags.DATA_DIR, Flags.WAL_DIR, Flags.INITIAL_CLUSTER_STATE,
                Flags.DISCOVERY_SRV, Flags.DISCOVERY_SRV_NAME, Flags.DISCOVERY_PROXY, Flags.DISCOVERY_URL,
                Flags.INITIAL_CLUSTER, Flags.INITIAL_CLUSTER_TOKEN, Flags.AUTO_COMPACTION_MODE,
                Flags.AUTO_COMPACTION_RETENTION, Flags.AUTH_TOKEN, Flags.EXPERIMENTAL_ENABLE_V2V3,
                Flags.EXPERIMENTAL_BACKEND_BBOLT_FREELIST_TYPE, Flags.METRICS, Flags.LOGGER, Flags.LOG_LEVEL,
                Flags.LOG_PACKAGE_LEVELS, Flags.STORE, Flags.TRANSPORT, Flags.PEER_TRANSPORT, Flags.MAX_LEARNERS);
        main(Kind.UINT64, Flags.SNAPSHOT_COUNT);
        main(Kind.UINT, Flags.MAX_SNAPSHOTS, Flags.MAX_WALS, Flags.HEARTBEAT_INTERVAL, Flags.ELECTION_TIMEOUT,
                Flags.MAX_TXN_OPS, Flags.MAX_REQUEST_BYTES, Flags.BCRYPT_COST, Flags.AUTH_TOKEN_TTL);
        main(Kind.UINT32, Flags.MAX_CONCURRENT_STREAMS);
        main(Kind.INT, Flags.BACKEND_BATCH_LIMIT, Flags.EXPERIMENTAL_COMPACTION_BATCH_LIMIT);
        main(Kind.INT64, Flags.QUOTA_BACKEND_BYTES);
        main(Kind.DURATION, Flags.BACKEND_BATCH_INTERVAL, Flags.GRPC_KEEPALIVE_MIN_TIME,
                Flags.GRPC_KEEPALIVE_INTERVAL, Flags.GRPC_KEEPALIVE_TIMEOUT, Flags.EXPERIMENTAL_CORRUPT_CHECK_TIME,
                Flags.EXPERIMENTAL_WATCH_PROGRESS_NOTIFY_INTERVAL, Flags.EXPERIMENTAL_WARNING_APPLY_DURATION);
        main(Kind.BOOL, Flags.INITIAL_ELECTION_TICK_ADVANCE, Flags.STRICT_RECONFIG_CHECK, Flags.ENABLE_V2,
                Flags.PRE_VOTE, Flags.EXPERIMENTAL_INITIAL_CORRUPT_CHECK, Flags.EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT,
                Flags.EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT_PERSIST, Flags.FORCE_NEW_CLUSTER, Flags.ENABLE_PPROF,
                Flags.ENABLE_GRPC_GATEWAY, Flags.DEBUG, Flags.UNSAFE_NO_FSYNC);
        main(Kind.STRING_LIST, Flags.CIPHER_SUITES, Flags.LOG_OUTPUTS, Flags.LOG_OUTPUT);
        main(Kind.URLS, Flags.LISTEN_PEER_URLS, Flags.LISTEN_CLIENT_URLS, Flags.INITIAL_ADVERTISE_PEER_URLS,
                Flags.ADVERTISE_CLIENT_URLS, Flags.LISTEN_METRICS_URLS, Flags.CORS);
        main(Kind.STRING, Flags.HOST_WHITELIST);
        MAIN.put("client-transport-security", new Field(Flags.CERT_FILE, Kind.SECURITY));
        MAIN.put("peer-transport-security", new Field(Flags.PEER_CERT_FILE, Kind.SECURITY));
        main(Kind.STORE_OPTIONS, Flags.STORE_OPT);

        for (Flag<?> flag : List.of(Flags.PROXY_FAILURE_WAIT, Flags.PROXY_REFRESH_INTERVAL, Flags.PROXY_DIAL_TIMEOUT,
                Flags.PROXY_WRITE_TIMEOUT, Flags.PROXY_READ_TIMEOUT)) {
            PROXY.put(flag.name(), new Field(flag, Kind.UINT));
        }
        PROXY.put("proxy", new Field(Flags.PROXY, Kind.STRING));
        PROXY.put("discovery-fallback", new Field(Flags.DISCOVERY_FALLBACK, Kind.STRING));
    }

    private static void main(Kind kind, Flag<?>... flags) {
        for (Flag<?> flag : flags) {
            MAIN.put(flag.name(), new Field(flag, kind));
        }
    }

    /**
     * What loading the file contributed besides values.
     *
     * @param infos    etcd's "Loading server configuration from ..." line
     * @param warnings unknown keys
     */
    record Loaded(List<String> infos, List<String> warnings) {
    }

    /** Reads the file into {@code values} (which hold defaults), as etcd's {@code configFromFile}. */
    static Loaded load(Path path, FlagValues values) throws ConfigException {
        String text = read(path);
        Map<String, Object> document;
        try {
            document = YamlSubset.parse(text);
        } catch (YamlSubset.YamlException e) {
            throw ConfigException.invalid("error converting YAML to JSON: " + e.getMessage());
        }
        List<String> warnings = new ArrayList<>();
        Map<Flag<?>, String> urlStrings = new LinkedHashMap<>();
        String defaultInitialCluster = values.get(Flags.INITIAL_CLUSTER);

        for (Map.Entry<String, Object> entry : new TreeMap<>(document).entrySet()) {
            String key = entry.getKey();
            Field field = lookup(MAIN, key);
            if (field == null) {
                if (lookup(PROXY, key) == null) {
                    warnings.add("etcdj: ignoring unknown key " + GoText.quote(key) + " in " + path
                            + " (etcd ignores it silently)");
                }
                continue;
            }
            Object value = entry.getValue();
            if (value == null) {
                continue; // JSON null leaves etcd's field as it was
            }
            switch (field.kind) {
                case URLS, STRING -> {
                    String s = (String) json(value, field.kind, "configYAML", canonical(MAIN, key));
                    if (field.kind == Kind.URLS) {
                        urlStrings.put(field.flag, s);
                    } else if (field.flag == Flags.HOST_WHITELIST) {
                        if (!s.isEmpty()) {
                            // etcd's NewUniqueStringsValue: comma-separated, de-duplicated, sorted.
                            values.put(Flags.HOST_WHITELIST, List.copyOf(new TreeSet<>(List.of(s.split(",", -1)))),
                                    ValueSource.CONFIG_FILE);
                        }
                    } else {
                        putRaw(values, field.flag, s);
                    }
                }
                case SECURITY -> loadSecurity(values, canonical(MAIN, key), value);
                case STORE_OPTIONS -> values.put(Flags.STORE_OPT, storeOptions(value), ValueSource.CONFIG_FILE);
                default -> putRaw(values, field.flag, json(value, field.kind, "configYAML", canonical(MAIN, key)));
            }
        }

        for (Map.Entry<Flag<?>, String> entry : urlStrings.entrySet()) {
            Flag<?> flag = entry.getKey();
            String s = entry.getValue();
            if (s.isEmpty()) {
                continue;
            }
            try {
                if (flag == Flags.CORS) {
                    values.set(Flags.CORS, s, ValueSource.CONFIG_FILE);
                } else {
                    values.put(castUrls(flag), UrlList.of(EtcdUrls.parse(s)), ValueSource.CONFIG_FILE);
                }
            } catch (EtcdUrls.UrlListException | FlagType.FlagValueException e) {
                // etcd's own wording, including its "advertise-peer-urls" slip for advertise-client-urls.
                String name = flag == Flags.ADVERTISE_CLIENT_URLS ? "advertise-peer-urls" : flag.name();
                throw ConfigException.invalid("unexpected error setting up " + name + ": " + e.getMessage());
            }
        }

        if ((!values.get(Flags.DISCOVERY_URL).isEmpty() || !values.get(Flags.DISCOVERY_SRV).isEmpty())
                && values.get(Flags.INITIAL_CLUSTER).equals(defaultInitialCluster)) {
            values.put(Flags.INITIAL_CLUSTER, "", values.source(Flags.INITIAL_CLUSTER));
        }
        if (values.get(Flags.INITIAL_CLUSTER_STATE).isEmpty()) {
            values.put(Flags.INITIAL_CLUSTER_STATE, "new", values.source(Flags.INITIAL_CLUSTER_STATE));
        }

        loadProxySection(document, values);
        String info = "Loading server configuration from " + GoText.quote(path.toString())
                + ". Other configuration command line flags and environment variables will be ignored if provided.";
        return new Loaded(List.of(info), List.copyOf(warnings));
    }

    private static void loadProxySection(Map<String, Object> document, FlagValues values) throws ConfigException {
        Map<Flag<?>, String> selections = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : new TreeMap<>(document).entrySet()) {
            Field field = lookup(PROXY, entry.getKey());
            Object value = entry.getValue();
            if (field == null || value == null) {
                continue;
            }
            if (field.kind == Kind.STRING) {
                // This struct is not embedded, so sigs.k8s.io/yaml coerces scalars into its string fields:
                // an unquoted "proxy: off" arrives as "false".
                if (value instanceof Boolean || value instanceof BigInteger || value instanceof Double) {
                    value = value instanceof Double d ? goFloat32String(d) : value.toString();
                }
                selections.put(field.flag, (String) json(value, Kind.STRING, "configProxy",
                        canonical(PROXY, entry.getKey())));
            } else {
                putRaw(values, field.flag, json(value, field.kind, "configProxy", canonical(PROXY, entry.getKey())));
            }
        }
        for (Map.Entry<Flag<?>, String> entry : selections.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            try {
                values.set(entry.getKey(), entry.getValue(), ValueSource.CONFIG_FILE);
            } catch (FlagType.FlagValueException e) {
                String what = entry.getKey() == Flags.PROXY ? "proxyFlag" : "discovery-fallback flag";
                throw ConfigException.invalid("unexpected error setting up " + what + ": " + e.getMessage());
            }
        }
    }

    private static void loadSecurity(FlagValues values, String key, Object value) throws ConfigException {
        if (!(value instanceof Map<?, ?> map)) {
            throw typeError(describe(value), "configYAML", key, Kind.SECURITY.goType);
        }
        Map<String, Flag<?>> fields = key.equals("client-transport-security") ? CLIENT_SECURITY : PEER_SECURITY;
        for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
            String inner = entry.getKey().toString().toLowerCase(Locale.ROOT);
            Flag<?> flag = fields.get(inner);
            if (flag == null || entry.getValue() == null) {
                continue;
            }
            Kind kind = flag.defaultValue() instanceof Boolean ? Kind.BOOL : Kind.STRING;
            putRaw(values, flag, json(entry.getValue(), kind, "securityConfig", key + "." + inner));
        }
    }

    private static Map<String, String> storeOptions(Object value) throws ConfigException {
        Map<String, String> options = new LinkedHashMap<>();
        try {
            if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> options.put(k.toString(), v == null ? "" : v.toString()));
            } else if (value instanceof List<?> list) {
                FlagType.StoreOptionsType type = new FlagType.StoreOptionsType();
                Map<String, String> merged = Map.of();
                for (Object item : list) {
                    merged = type.set(merged, String.valueOf(item));
                }
                options.putAll(merged);
            } else if (value instanceof String s) {
                options.putAll(new FlagType.StoreOptionsType().set(Map.of(), s));
            } else {
                throw new FlagType.FlagValueException("expected a mapping, a list of key=value or key=value");
            }
        } catch (FlagType.FlagValueException e) {
            throw ConfigException.invalid("etcdj: invalid store-opt in config file: " + e.getMessage());
        }
        return java.util.Collections.unmodifiableMap(options);
    }

    @SuppressWarnings("unchecked")
    private static <T> void putRaw(FlagValues values, Flag<T> flag, Object value) {
        values.put(flag, (T) value, ValueSource.CONFIG_FILE);
    }

    @SuppressWarnings("unchecked")
    private static Flag<UrlList> castUrls(Flag<?> flag) {
        return (Flag<UrlList>) flag;
    }

    /** encoding/json's field matching: exact name first, else case-insensitive. */
    private static Field lookup(Map<String, Field> fields, String key) {
        Field exact = fields.get(key);
        return exact != null ? exact : fields.get(key.toLowerCase(Locale.ROOT));
    }

    private static String canonical(Map<String, Field> fields, String key) {
        return fields.containsKey(key) ? key : key.toLowerCase(Locale.ROOT);
    }

    /** Decodes a YAML value into the Java value of a Go field of this kind, as encoding/json would. */
    private static Object json(Object value, Kind kind, String struct, String field) throws ConfigException {
        switch (kind) {
            case STRING, URLS -> {
                if (value instanceof String s) {
                    return s;
                }
            }
            case BOOL -> {
                if (value instanceof Boolean b) {
                    return b;
                }
            }
            case STRING_LIST -> {
                if (value instanceof List<?> list) {
                    List<String> out = new ArrayList<>();
                    for (Object item : list) {
                        if (item != null && !(item instanceof String)) {
                            throw typeError(describe(item), struct, field, "string");
                        }
                        out.add(item == null ? "" : (String) item);
                    }
                    return List.copyOf(out);
                }
            }
            default -> {
                if (value instanceof BigInteger || value instanceof Double) {
                    String literal = jsonNumber(value);
                    BigInteger n = integer(literal);
                    if (n == null || !fits(n, kind)) {
                        throw typeError("number " + literal, struct, field, kind.goType);
                    }
                    return kind == Kind.DURATION ? Duration.ofNanos(n.longValueExact()) : n.longValueExact();
                }
            }
        }
        throw typeError(describe(value), struct, field, kind.goType);
    }

    private static BigInteger integer(String literal) {
        return literal.matches("-?[0-9]+") ? new BigInteger(literal) : null;
    }

    /** Whether encoding/json accepts the integer for the Go type (etcdj also needs it to fit a long). */
    private static boolean fits(BigInteger n, Kind kind) {
        BigInteger longMax = BigInteger.valueOf(Long.MAX_VALUE);
        return switch (kind) {
            case UINT64, UINT -> n.signum() >= 0 && n.compareTo(longMax) <= 0;
            case UINT32 -> n.signum() >= 0 && n.bitLength() <= 32;
            default -> n.bitLength() <= 63;
        };
    }

    private static String describe(Object value) {
        if (value instanceof String) {
            return "string";
        } else if (value instanceof Boolean) {
            return "bool";
        } else if (value instanceof List<?>) {
            return "array";
        } else if (value instanceof Map<?, ?>) {
            return "object";
        }
        return "number";
    }

    /** The literal encoding/json writes for a number. */
    private static String jsonNumber(Object value) throws ConfigException {
        if (value instanceof BigInteger n) {
            return n.toString();
        }
        double d = (Double) value;
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            String shown = Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
            throw ConfigException.invalid("error converting YAML to JSON: json: unsupported value: " + shown);
        }
        double abs = Math.abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            String[] parts = String.valueOf(d).split("E");
            String mantissa = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
            int exponent = Integer.parseInt(parts[1]);
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /** {@code strconv.FormatFloat(f, 'g', -1, 32)}, as sigs.k8s.io/yaml coerces floats into strings. */
    private static String goFloat32String(double d) {
        float f = (float) d;
        if (f == Math.rint(f) && Math.abs(f) < 1e21) {
            return new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
        }
        return Float.toString(f);
    }

    private static ConfigException typeError(String jsonValue, String struct, String field, String goType) {
        return ConfigException.invalid("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + jsonValue + " into Go struct field " + struct + "." + field + " of type " + goType);
    }

    private static String read(Path path) throws ConfigException {
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw ConfigException.invalid("open " + path + ": no such file or directory");
        } catch (AccessDeniedException e) {
            throw ConfigException.invalid("open " + path + ": permission denied");
        } catch (IOException e) {
            if (Files.isDirectory(path)) {
                throw ConfigException.invalid("read " + path + ": is a directory");
            }
            throw ConfigException.invalid("open " + path + ": " + e.getMessage());
        }
    }
}
