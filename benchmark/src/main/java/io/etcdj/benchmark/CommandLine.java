package io.etcdj.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A parsed command line in the style of etcd's cobra tools: {@code [global flags] COMMAND [flags]
 * [args]}. Flags are written {@code --name value}, {@code --name=value} or, for switches,
 * {@code --name} / {@code --name=false}; a single leading dash works too. Before the command only
 * global flags are known; after it, global and the command's own. Anything unknown is a
 * {@link UsageException}.
 */
final class CommandLine {
    private final String command;
    private final List<String> arguments;
    private final Map<String, String> values;
    private final Map<String, Flag> known;

    private CommandLine(String command, List<String> arguments, Map<String, String> values, Map<String, Flag> known) {
        this.command = command;
        this.arguments = arguments;
        this.values = values;
        this.known = known;
    }

    /**
     * Parses {@code args}; {@code commandFlags} gives each command's own flags (the set of keys is the
     * set of commands). A missing command yields a command of {@code null} (the caller prints usage).
     */
    static CommandLine parse(String[] args, List<Flag> globalFlags, Map<String, List<Flag>> commandFlags)
            throws UsageException {
        Map<String, Flag> known = byName(globalFlags);
        Map<String, String> values = new LinkedHashMap<>();
        List<String> arguments = new ArrayList<>();
        String command = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                arguments.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (arg.startsWith("-") && arg.length() > 1) {
                String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                Flag flag = known.get(name);
                if (flag == null) {
                    throw new UsageException("unknown flag: --" + name
                            + (command == null ? "" : " (for command " + command + ")"));
                }
                String value;
                if (eq >= 0) {
                    value = body.substring(eq + 1);
                } else if (flag.isSwitch()) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("flag needs an argument: --" + name);
                }
                values.put(name, value);
            } else if (command == null) {
                if (!commandFlags.containsKey(arg)) {
                    throw new UsageException("unknown command \"" + arg + "\"; commands: "
                            + String.join(", ", commandFlags.keySet()));
                }
                command = arg;
                known.putAll(byName(commandFlags.get(arg)));
            } else {
                arguments.add(arg);
            }
        }
        return new CommandLine(command, List.copyOf(arguments), values, known);
    }

    private static Map<String, Flag> byName(List<Flag> flags) {
        Map<String, Flag> map = new LinkedHashMap<>();
        for (Flag f : flags) {
            map.put(f.name(), f);
        }
        return map;
    }

    String command() {
        return command;
    }

    List<String> arguments() {
        return arguments;
    }

    boolean isSet(String name) {
        return values.containsKey(name);
    }

    String string(String name) {
        Flag flag = known.get(name);
        if (flag == null) {
            throw new IllegalArgumentException("flag not declared for this command: " + name);
        }
        return values.getOrDefault(name, flag.defaultValue());
    }

    int intValue(String name, int min) throws UsageException {
        long v = longValue(name, min);
        if (v > Integer.MAX_VALUE) {
            throw new UsageException("--" + name + " is too large: " + v);
        }
        return (int) v;
    }

    long longValue(String name, long min) throws UsageException {
        long v = convert(name, Long::parseLong, "an integer");
        if (v < min) {
            throw new UsageException("--" + name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    double doubleValue(String name, double min) throws UsageException {
        double v = convert(name, Double::parseDouble, "a number");
        if (!(v >= min) || Double.isInfinite(v)) {
            throw new UsageException("--" + name + " must be a finite number of at least " + min + ", got " + v);
        }
        return v;
    }

    boolean bool(String name) throws UsageException {
        String text = string(name).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "1", "t" -> true;
            case "false", "0", "f" -> false;
            default -> throw new UsageException("--" + name + " must be true or false, got \"" + text + "\"");
        };
    }

    /** A Go-style duration: a sequence of number+unit (h, m, s, ms, us, ns), e.g. {@code 10m}, {@code 1m30s}. */
    Duration duration(String name) throws UsageException {
        Duration d = convert(name, CommandLine::parseGoDuration, "a duration such as 90s or 10m");
        if (d.isNegative() || d.isZero()) {
            throw new UsageException("--" + name + " must be positive, got " + string(name));
        }
        return d;
    }

    private <T> T convert(String name, Function<String, T> parser, String what) throws UsageException {
        String text = string(name);
        try {
            return parser.apply(text.trim());
        } catch (RuntimeException e) {
            throw new UsageException("--" + name + " must be " + what + ", got \"" + text + "\"");
        }
    }

    static Duration parseGoDuration(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("number expected in " + text);
            }
            double number = Double.parseDouble(text.substring(start, i));
            int unitStart = i;
            while (i < text.length() && Character.isLetter(text.charAt(i))) {
                i++;
            }
            long nanosPerUnit = switch (text.substring(unitStart, i)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "us", "µs" -> 1_000L;
                case "ns" -> 1L;
                default -> throw new IllegalArgumentException("unknown unit in " + text);
            };
            total = total.plusNanos(Math.round(number * nanosPerUnit));
        }
        return total;
    }
}
