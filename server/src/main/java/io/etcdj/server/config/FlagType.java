package io.etcdj.server.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one kind of etcd flag turns text into a value: the {@code flag.Value.Set} of Go's built-in flag types
 * and of etcd's {@code pkg/flags} types, with their error texts.
 *
 * @param <T> the Java type of the value
 */
sealed interface FlagType<T> {

    /**
     * The value after {@code text} is given for a flag whose value was {@code current}: most types replace the
     * value, a few (etcd's unique URL lists with exceptions, etcdj's {@code --store-opt}) add to it.
     *
     * @throws FlagValueException with the text Go puts after {@code invalid value "x" for flag -name: }
     */
    T set(T current, String text) throws FlagValueException;

    /** Whether the flag takes no argument ({@code --flag} means true), like Go's {@code boolFlag}. */
    default boolean isBool() {
        return false;
    }

    /** A value Go's flag package would reject. */
    final class FlagValueException extends Exception {
        FlagValueException(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code fs.StringVar}. */
    record StringType() implements FlagType<String> {
        @Override
        public String set(String current, String text) {
            return text;
        }
    }

    /** {@code fs.BoolVar}: {@code strconv.ParseBool}. */
    record BoolType() implements FlagType<Boolean> {
        @Override
        public Boolean set(Boolean current, String text) throws FlagValueException {
            try {
                return GoNumbers.parseBool(text);
            } catch (GoNumbers.NumberException e) {
                throw new FlagValueException(e.failure.flagText);
            }
        }

        @Override
        public boolean isBool() {
            return true;
        }
    }

    /** {@code fs.UintVar / Uint64Var} (64-bit in Go; etcdj caps at {@link Long#MAX_VALUE}). */
    record UintType() implements FlagType<Long> {
        @Override
        public Long set(Long current, String text) throws FlagValueException {
            try {
                return GoNumbers.parseUint(text, 64);
            } catch (GoNumbers.NumberException e) {
                throw new FlagValueException(e.failure.flagText);
            }
        }
    }

    /**
     * etcd's own {@code flags.Uint32Value} ({@code --max-concurrent-streams}): unlike Go's built-in types it
     * reports the raw {@code strconv} error, e.g. {@code strconv.ParseUint: parsing "x": invalid syntax}.
     */
    record Uint32Type() implements FlagType<Long> {
        @Override
        public Long set(Long current, String text) throws FlagValueException {
            try {
                return GoNumbers.parseUint(text, 32);
            } catch (GoNumbers.NumberException e) {
                throw new FlagValueException("strconv.ParseUint: parsing " + GoText.quote(text) + ": "
                        + e.failure.strconvText);
            }
        }
    }

    /** {@code fs.IntVar / Int64Var}. */
    record IntType() implements FlagType<Long> {
        @Override
        public Long set(Long current, String text) throws FlagValueException {
            try {
                return GoNumbers.parseInt(text, 64);
            } catch (GoNumbers.NumberException e) {
                throw new FlagValueException(e.failure.flagText);
            }
        }
    }

    /** {@code fs.DurationVar}: {@code time.ParseDuration}, any failure reported as "parse error". */
    record DurationType() implements FlagType<Duration> {
        @Override
        public Duration set(Duration current, String text) throws FlagValueException {
            try {
                return GoDuration.parse(text);
            } catch (IllegalArgumentException e) {
                throw new FlagValueException("parse error");
            }
        }
    }

    /**
     * etcd's {@code flags.UniqueURLs} with exceptions: a URL list, or one of the exception strings (which is
     * remembered among the raw values but leaves the URL list as it was, as in etcd).
     */
    record UrlsType(Set<String> exceptions) implements FlagType<UrlList> {
        @Override
        public UrlList set(UrlList current, String text) throws FlagValueException {
            if (current.values().contains(text)) {
                return current;
            }
            if (exceptions.contains(text)) {
                TreeSet<String> values = new TreeSet<>(current.values());
                values.add(text);
                return new UrlList(current.uris(), values);
            }
            try {
                return UrlList.of(EtcdUrls.parse(text));
            } catch (EtcdUrls.UrlListException e) {
                throw new FlagValueException(e.getMessage());
            }
        }
    }

    /** etcd's {@code flags.StringsValue}: comma-separated, order kept ({@code --cipher-suites}). */
    record StringsType() implements FlagType<List<String>> {
        @Override
        public List<String> set(List<String> current, String text) {
            return List.of(text.split(",", -1));
        }
    }

    /** etcd's {@code flags.UniqueStringsValue}: comma-separated, de-duplicated and sorted. */
    record UniqueStringsType() implements FlagType<List<String>> {
        @Override
        public List<String> set(List<String> current, String text) {
            return List.copyOf(new TreeSet<>(Arrays.asList(text.split(",", -1))));
        }
    }

    /** etcd's {@code flags.SelectiveStringValue}: one of a fixed set, else "invalid value". */
    record SelectiveType(Set<String> valids) implements FlagType<String> {
        @Override
        public String set(String current, String text) throws FlagValueException {
            if (!valids.contains(text)) {
                throw new FlagValueException("invalid value");
            }
            return text;
        }
    }

    /**
     * etcd's {@code flags.IgnoredFlag}: a flag of older etcd releases that is accepted, warned about and
     * ignored. Boolean-like, so {@code --snapshot x} leaves {@code x} as a positional argument, as in etcd.
     */
    record LegacyIgnoredType() implements FlagType<String> {
        @Override
        public String set(String current, String text) {
            return text;
        }

        @Override
        public boolean isBool() {
            return true;
        }
    }

    /**
     * etcdj's {@code --store-opt key=value[,key=value...]}: repeatable; every occurrence adds its pairs, a
     * later value for a key replaces an earlier one.
     */
    record StoreOptionsType() implements FlagType<Map<String, String>> {
        @Override
        public Map<String, String> set(Map<String, String> current, String text) throws FlagValueException {
            Map<String, String> merged = new LinkedHashMap<>(current);
            for (String pair : text.split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new FlagValueException("expected key=value, got " + GoText.quote(pair));
                }
                merged.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return Collections.unmodifiableMap(merged);
        }
    }
}
