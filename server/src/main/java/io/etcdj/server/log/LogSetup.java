package io.etcdj.server.log;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes every {@link System.Logger} (the JDK's default backend is java.util.logging) to standard
 * error in the format of etcd 3.4's default logger, capnslog:
 * {@code 2026-11-22 01:23:45.123456 I | etcdserver: published ...}. Scripts and harnesses that wait
 * on etcd's start-up lines find the same words here. {@code --logger=zap} prints one JSON object a
 * line instead, with zap's field names.
 */
public final class LogSetup {
    private static final DateTimeFormatter CAPNSLOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());

    private LogSetup() {
    }

    /** @param level etcd's --log-level: debug, info, warn, error, panic or fatal */
    public static void configure(String logger, String level, PrintStream out) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new PrintStreamHandler(out);
        handler.setFormatter("zap".equals(logger) ? new ZapFormatter() : new CapnslogFormatter());
        Level jul = toJulLevel(level);
        handler.setLevel(jul);
        root.addHandler(handler);
        root.setLevel(jul);
        // Libraries are chatty at INFO; keep their warnings.
        Logger.getLogger("io.grpc").setLevel(Level.WARNING);
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
        Logger.getLogger("io.grpc.netty.shaded").setLevel(Level.WARNING);
    }

    static Level toJulLevel(String level) {
        return switch (level) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error", "panic", "fatal" -> Level.SEVERE;
            default -> Level.INFO;
        };
    }

    /** The package-like name etcd prints before the message: etcd's own names pass through unchanged. */
    static String component(String loggerName) {
        if (loggerName == null) {
            return "etcdj";
        }
        if (loggerName.startsWith("io.etcdj.")) {
            String rest = loggerName.substring("io.etcdj.".length());
            int lastDot = rest.lastIndexOf('.');
            return lastDot < 0 ? rest : rest.substring(0, lastDot).replace('.', '/');
        }
        return loggerName;
    }

    static String message(LogRecord r) {
        String msg = r.getMessage();
        Object[] params = r.getParameters();
        if (msg != null && params != null && params.length > 0) {
            msg = java.text.MessageFormat.format(msg, params);
        }
        if (r.getThrown() != null) {
            msg = msg + ": " + r.getThrown();
        }
        return msg;
    }

    /**
     * Writes each record whole and flushes it. (JUL's ConsoleHandler cannot be pointed at another
     * stream without closing System.err.)
     */
    private static final class PrintStreamHandler extends Handler {
        private final PrintStream out;

        PrintStreamHandler(PrintStream out) {
            this.out = out;
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String line = getFormatter().format(record);
            synchronized (out) {
                out.print(line);
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    private static final class CapnslogFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            char letter = r.getLevel().intValue() >= Level.SEVERE.intValue() ? 'E'
                    : r.getLevel().intValue() >= Level.WARNING.intValue() ? 'W'
                    : r.getLevel().intValue() >= Level.INFO.intValue() ? 'I' : 'D';
            return CAPNSLOG_TIME.format(Instant.ofEpochMilli(r.getMillis())) + " " + letter + " | "
                    + component(r.getLoggerName()) + ": " + message(r) + System.lineSeparator();
        }
    }

    private static final class ZapFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            String level = r.getLevel().intValue() >= Level.SEVERE.intValue() ? "error"
                    : r.getLevel().intValue() >= Level.WARNING.intValue() ? "warn"
                    : r.getLevel().intValue() >= Level.INFO.intValue() ? "info" : "debug";
            return "{\"level\":\"" + level + "\",\"ts\":\"" + Instant.ofEpochMilli(r.getMillis()) + "\",\"caller\":\""
                    + json(component(r.getLoggerName())) + "\",\"msg\":\"" + json(message(r)) + "\"}" + System.lineSeparator();
        }

        private static String json(String s) {
            StringBuilder b = new StringBuilder(s.length() + 8);
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.toString();
        }
    }
}
