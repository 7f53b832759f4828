package io.etcdj.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's {@code flag.FlagSet.Parse} as etcd uses it ({@code ContinueOnError}): {@code -flag}, {@code --flag},
 * {@code -flag=value}, {@code -flag value}, boolean flags without a value, {@code --} ending the flags, and
 * parsing stopping at the first non-flag argument. {@code -h}, {@code -help} (any number of dashes, any value)
 * ask for help unless a flag of that name exists. Error texts are Go's.
 */
final class CommandLine {
    private CommandLine() {
    }

    /** What parsing the arguments gave. */
    sealed interface Outcome {
    }

    /**
     * The flags were parsed into the values.
     *
     * @param positional the arguments left after the flags (etcd refuses the first one)
     * @param warnings   etcd's warnings for legacy flags that are accepted and ignored
     */
    record Parsed(List<String> positional, List<String> warnings) implements Outcome {
    }

    /** {@code -h} or {@code -help} came before any error. */
    record HelpRequested() implements Outcome {
    }

    /** Go's flag package refused an argument; etcd prints this line and its usage, and exits with 2. */
    record SyntaxError(String message) implements Outcome {
    }

    static Outcome parse(List<String> args, FlagValues values) {
        List<String> warnings = new ArrayList<>();
        int i = 0;
        while (i < args.size()) {
            String s = args.get(i);
            if (s.length() < 2 || s.charAt(0) != '-') {
                break;
            }
            int dashes = 1;
            if (s.charAt(1) == '-') {
                dashes = 2;
                if (s.length() == 2) {
                    i++;
                    break;
                }
            }
            String name = s.substring(dashes);
            if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
                return new SyntaxError("bad flag syntax: " + s);
            }
            i++;
            boolean hasValue = false;
            String value = "";
            int eq = name.indexOf('=', 1);
            if (eq > 0) {
                value = name.substring(eq + 1);
                hasValue = true;
                name = name.substring(0, eq);
            }
            Flag<?> flag = Flags.byName(name).orElse(null);
            if (flag == null) {
                if (name.equals("help") || name.equals("h")) {
                    return new HelpRequested();
                }
                return new SyntaxError("flag provided but not defined: -" + name);
            }
            if (flag.type().isBool()) {
                try {
                    values.set(flag, hasValue ? value : "true", ValueSource.COMMAND_LINE);
                } catch (FlagType.FlagValueException e) {
                    return new SyntaxError("invalid boolean value " + GoText.quote(value) + " for -" + name + ": "
                            + e.getMessage());
                }
            } else {
                if (!hasValue && i < args.size()) {
                    value = args.get(i);
                    hasValue = true;
                    i++;
                }
                if (!hasValue) {
                    return new SyntaxError("flag needs an argument: -" + name);
                }
                try {
                    values.set(flag, value, ValueSource.COMMAND_LINE);
                } catch (FlagType.FlagValueException e) {
                    return new SyntaxError("invalid value " + GoText.quote(value) + " for flag -" + name + ": "
                            + e.getMessage());
                }
            }
            if (Flags.isLegacyIgnored(flag)) {
                warnings.add(legacyWarning(name));
            }
        }
        return new Parsed(List.copyOf(args.subList(i, args.size())), List.copyOf(warnings));
    }

    /** etcd's {@code IgnoredFlag} warning. */
    static String legacyWarning(String name) {
        return "flag \"-" + name + "\" is no longer supported - ignoring.";
    }
}
