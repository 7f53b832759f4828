package io.etcdj.raft.script;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command of a script, split datadriven style: {@code name pos1 pos2 key=value key=(a,b c)}.
 * A parenthesized list (commas or spaces between items) stays one token, as a positional
 * {@code (1 2)} or as an option's value.
 *
 * @param name       the command
 * @param positional the positional arguments in order (a list keeps its parentheses)
 * @param options    the {@code key=value} arguments (a list keeps its parentheses)
 */
record CommandLine(String name, List<String> positional, Map<String, String> options) {

    static CommandLine parse(String line) {
        List<String> tokens = tokenize(line);
        if (tokens.isEmpty()) {
            throw new ScriptException("empty command");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String t : tokens.subList(1, tokens.size())) {
            int eq = t.indexOf('=');
            if (eq > 0 && !t.startsWith("(")) {
                if (options.put(t.substring(0, eq), t.substring(eq + 1)) != null) {
                    throw new ScriptException("option " + t.substring(0, eq) + " given twice");
                }
            } else {
                positional.add(t);
            }
        }
        return new CommandLine(tokens.get(0), List.copyOf(positional), options);
    }

    private static List<String> tokenize(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : line.strip().toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth < 0) {
                    throw new ScriptException("unbalanced ')' in \"" + line + "\"");
                }
            }
            if (Character.isWhitespace(c) && depth == 0) {
                if (!current.isEmpty()) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (depth != 0) {
            throw new ScriptException("unbalanced '(' in \"" + line + "\"");
        }
        if (!current.isEmpty()) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    /** Fails on options outside {@code allowed} (a misspelt option must not be silently ignored). */
    CommandLine allowOptions(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String key : options.keySet()) {
            if (!ok.contains(key)) {
                throw new ScriptException(name + ": unknown option " + key + " (allowed: " + String.join(", ", allowed) + ")");
            }
        }
        return this;
    }

    /** Fails unless the number of positional arguments is in {@code [min, max]}. */
    CommandLine positionalCount(int min, int max) {
        if (positional.size() < min || positional.size() > max) {
            throw new ScriptException(name + ": expected " + (min == max ? "" + min : min + " to " + max)
                    + " positional arguments, got " + positional.size() + " " + positional);
        }
        return this;
    }

    String arg(int i) {
        if (i >= positional.size()) {
            throw new ScriptException(name + ": missing positional argument " + (i + 1));
        }
        return positional.get(i);
    }

    long longArg(int i) {
        return parseLong(arg(i));
    }

    /** Every positional argument as a number (IDs). */
    List<Long> longArgs() {
        return positional.stream().map(this::parseLong).toList();
    }

    long longOption(String key, long dflt) {
        String v = options.get(key);
        return v == null ? dflt : parseLong(v);
    }

    boolean boolOption(String key, boolean dflt) {
        String v = options.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new ScriptException(name + ": " + key + " must be true or false, got " + v);
        }
        return v.equals("true");
    }

    /** A list option such as {@code voters=(1,2,3)}, or empty when absent. */
    List<Long> longListOption(String key) {
        String v = options.get(key);
        return v == null ? List.of() : parseList(v).stream().map(this::parseLong).toList();
    }

    /** The items of a parenthesized list (commas or spaces between them); a bare value is a list of one. */
    List<String> parseList(String token) {
        String inner = token;
        if (token.startsWith("(")) {
            if (!token.endsWith(")")) {
                throw new ScriptException(name + ": malformed list " + token);
            }
            inner = token.substring(1, token.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String s : inner.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ScriptException(name + ": not a number: " + s);
        }
    }
}
