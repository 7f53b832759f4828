package io.etcdj.server.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * etcd's {@code flags.SetFlagsFromEnv("ETCD", ...)}: every flag not given on the command line takes the value
 * of {@code ETCD_<FLAG_NAME>} when that variable is set and non-empty. As in etcd 3.4:
 * <ul>
 *   <li>an {@code ETCD_*} variable that names a flag also given on the command line is an error (even when
 *       empty): {@code conflicting environment variable "ETCD_NAME" is shadowed by corresponding command-line
 *       flag (either unset environment variable or disable flag)} &mdash; the flag does not silently win;</li>
 *   <li>an {@code ETCD_*} variable that sets nothing (unknown, or empty) is warned about;</li>
 *   <li>a malformed value is an error naming the variable: {@code invalid value "x" for
 *       ETCD_SNAPSHOT_COUNT: parse error}; with several, the last in flag-name order is reported.</li>
 * </ul>
 */
final class EnvironmentFlags {
    private EnvironmentFlags() {
    }

    private static final String PREFIX = "ETCD";

    /**
     * What the environment contributed.
     *
     * @param infos    etcd's info lines, one per variable used
     * @param warnings etcd's warnings (unrecognized variables, legacy flags)
     */
    record Applied(List<String> infos, List<String> warnings) {
    }

    /** {@code flags.FlagToEnv("ETCD", name)}. */
    static String variableFor(String flagName) {
        return PREFIX + "_" + flagName.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static Applied apply(Map<String, String> env, FlagValues values) throws ConfigException {
        Set<String> alreadySet = new HashSet<>();
        for (Flag<?> flag : Flags.all()) {
            if (values.source(flag) == ValueSource.COMMAND_LINE) {
                alreadySet.add(variableFor(flag.name()));
            }
        }
        List<String> infos = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<String> used = new HashSet<>();
        String error = null;
        List<Flag<?>> byName = new ArrayList<>(Flags.all());
        byName.sort(Comparator.comparing(Flag::name)); // Go's VisitAll order
        for (Flag<?> flag : byName) {
            String key = variableFor(flag.name());
            if (alreadySet.contains(key)) {
                continue;
            }
            String value = env.get(key);
            if (value == null || value.isEmpty()) {
                continue;
            }
            used.add(key);
            try {
                values.set(flag, value, ValueSource.ENVIRONMENT);
                if (Flags.isLegacyIgnored(flag)) {
                    warnings.add(CommandLine.legacyWarning(flag.name()));
                }
                infos.add("recognized and used environment variable " + key + "=" + value);
            } catch (FlagType.FlagValueException e) {
                error = "invalid value " + GoText.quote(value) + " for " + key + ": " + e.getMessage();
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
            String key = entry.getKey();
            if (used.contains(key)) {
                continue;
            }
            if (alreadySet.contains(key)) {
                throw ConfigException.invalid("conflicting environment variable " + GoText.quote(key)
                        + " is shadowed by corresponding command-line flag (either unset environment variable"
                        + " or disable flag)");
            }
            if (key.startsWith(PREFIX + "_")) {
                warnings.add("unrecognized environment variable " + key + "=" + entry.getValue());
            }
        }
        if (error != null) {
            throw ConfigException.invalid(error);
        }
        return new Applied(List.copyOf(infos), List.copyOf(warnings));
    }
}
