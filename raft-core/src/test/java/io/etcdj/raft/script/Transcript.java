package io.etcdj.raft.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The output of one command, as etcd's interaction env collects it: what the harness prints
 * (Readies, messages), the nodes' log lines at or above the {@link Level level} set by
 * {@code log-level}, and errors. Inside {@link #indented} every line gets two more spaces (how
 * {@code stabilize} nests each step's output under its header).
 *
 * <p>At level {@code NONE} nothing but errors is kept, and a command that printed something
 * answers {@code ok (quiet)}: setup steps stay short without hiding that they did work.
 */
final class Transcript {
    /** Log levels in increasing severity; NONE silences everything but errors. */
    enum Level {
        DEBUG, INFO, WARN, ERROR, NONE;

        static Level parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ScriptException("log-level: unknown level " + s + " (debug, info, warn, error, none)");
            }
        }

        static Level of(System.Logger.Level l) {
            return switch (l) {
                case ALL, TRACE, DEBUG -> DEBUG;
                case INFO -> INFO;
                case WARNING -> WARN;
                case ERROR -> ERROR;
                case OFF -> NONE;
            };
        }
    }

    private final List<String> lines = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private Level level = Level.INFO;
    private String indent = "";
    private boolean suppressed;

    void setLevel(Level level) {
        this.level = level;
    }

    /** Harness output (one or more lines). */
    void print(String text) {
        if (level == Level.NONE) {
            suppressed = true;
            return;
        }
        text.lines().forEach(l -> lines.add(indent + l));
    }

    boolean wants(Level l) {
        return l != Level.NONE && l.ordinal() >= level.ordinal();
    }

    /** A node's log line, kept when its level is enabled. */
    void log(Level l, String message) {
        if (wants(l)) {
            print(l + " " + message);
        }
    }

    /** An error answer (a refused proposal, an exception): printed at every level. */
    void error(String message) {
        if (level == Level.NONE) {
            errors.add(message);
        } else {
            print(message);
        }
    }

    /** Runs {@code body} with its output indented by two more spaces. */
    void indented(Runnable body) {
        String saved = indent;
        indent = indent + "  ";
        try {
            body.run();
        } finally {
            indent = saved;
        }
    }

    /** The command's output (never empty, never with a blank line), and a fresh start for the next. */
    List<String> take() {
        List<String> out;
        if (!errors.isEmpty()) {
            out = List.copyOf(errors);
        } else if (!lines.isEmpty()) {
            out = List.copyOf(lines);
        } else {
            out = List.of(suppressed ? "ok (quiet)" : "ok");
        }
        lines.clear();
        errors.clear();
        suppressed = false;
        indent = "";
        // A blank line would end the expected block early when the transcript is written back.
        return out.stream().map(l -> l.isBlank() ? "<blank>" : l).toList();
    }
}
