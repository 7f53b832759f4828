package io.etcdj.server.config;

import java.util.Objects;

/**
 * One etcd (or etcdj) command-line flag: its name without dashes, its value type, etcd's default and how far
 * etcdj supports it. Every flag is also settable through {@code ETCD_<NAME>} (upper case, {@code -} as
 * {@code _}). The constants live in {@link Flags}.
 *
 * @param <T> the Java type of the flag's value
 */
public final class Flag<T> {
    private final String name;
    private final FlagType<T> type;
    private final T defaultValue;
    private final Support support;
    private final String reason;

    Flag(String name, FlagType<T> type, T defaultValue, Support support, String reason) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.support = Objects.requireNonNull(support);
        this.reason = Objects.requireNonNull(reason);
    }

    /** The name without dashes, e.g. {@code listen-client-urls}. */
    public String name() {
        return name;
    }

    /** etcd 3.4's default value. */
    public T defaultValue() {
        return defaultValue;
    }

    public Support support() {
        return support;
    }

    /** Why the flag is ignored or refused (empty for supported flags); used in the warning or error. */
    public String reason() {
        return reason;
    }

    /** The environment variable etcd reads for this flag: {@code ETCD_} + upper case, {@code -} as {@code _}. */
    public String environmentVariable() {
        return EnvironmentFlags.variableFor(name);
    }

    FlagType<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return "--" + name;
    }
}
