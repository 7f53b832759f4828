package io.etcdj.server.config;

import java.util.HashMap;
import java.util.Map;

/** The flag values while parsing: every flag starts at its default; each value remembers its source. */
final class FlagValues {
    private final Map<Flag<?>, Object> values = new HashMap<>();
    private final Map<Flag<?>, ValueSource> sources = new HashMap<>();

    FlagValues() {
        for (Flag<?> flag : Flags.all()) {
            values.put(flag, flag.defaultValue());
            sources.put(flag, ValueSource.DEFAULT);
        }
    }

    @SuppressWarnings("unchecked")
    <T> T get(Flag<T> flag) {
        return (T) values.get(flag);
    }

    /** Gives {@code text} to the flag as Go's {@code flag.Value.Set} would. */
    <T> void set(Flag<T> flag, String text, ValueSource source) throws FlagType.FlagValueException {
        T next = flag.type().set(get(flag), text);
        put(flag, next, source);
    }

    /** Stores an already-typed value. */
    <T> void put(Flag<T> flag, T value, ValueSource source) {
        values.put(flag, value);
        sources.put(flag, source);
    }

    /** Whether the flag was given (command line, environment or file), whatever its value. */
    boolean isSet(Flag<?> flag) {
        return sources.get(flag) != ValueSource.DEFAULT;
    }

    ValueSource source(Flag<?> flag) {
        return sources.get(flag);
    }

    Map<Flag<?>, Object> snapshotValues() {
        return Map.copyOf(values);
    }

    Map<Flag<?>, ValueSource> snapshotSources() {
        return Map.copyOf(sources);
    }
}
