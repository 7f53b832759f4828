package io.etcdj.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies etcdj's classification of etcd's flags ({@link Support}): a refused flag with a non-default value
 * stops the start, an ignored flag with a non-default value is warned about. Comparing with the default
 * (rather than asking whether the flag was given) lets {@code --auth-token=simple} or {@code --proxy=off} pass.
 */
final class SupportPolicy {
    private SupportPolicy() {
    }

    /** Fails on the first refused flag (in {@link Flags#all()} order) whose value is not etcd's default. */
    static void refuseUnsupported(FlagValues values) throws ConfigException {
        for (Flag<?> flag : Flags.all()) {
            if (flag.support() == Support.REFUSED && !isDefault(values, flag)) {
                throw ConfigException.invalid("etcdj: " + flag + " is not supported yet (" + flag.reason()
                        + "); refusing to start without it");
            }
        }
    }

    /** One warning per ignored flag whose value is not etcd's default (legacy flags are warned about on use). */
    static List<String> ignoredWarnings(FlagValues values) {
        List<String> warnings = new ArrayList<>();
        for (Flag<?> flag : Flags.all()) {
            if (flag.support() == Support.IGNORED_WITH_WARNING && !Flags.isLegacyIgnored(flag)
                    && !isDefault(values, flag)) {
                warnings.add("etcdj: " + flag + " is not supported yet and is ignored (" + flag.reason() + ")");
            }
        }
        return warnings;
    }

    private static boolean isDefault(FlagValues values, Flag<?> flag) {
        return Objects.equals(values.get(flag), flag.defaultValue());
    }
}
