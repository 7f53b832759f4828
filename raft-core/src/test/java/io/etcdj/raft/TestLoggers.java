package io.etcdj.raft;

import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Loggers for tests: silent by default (thousands of simulated nodes), or printing to stderr when
 * {@code -Draft.test.log=true}, to read a failing seed's story.
 */
public final class TestLoggers {
    private TestLoggers() {
    }

    public static System.Logger forNode(long id) {
        return Boolean.getBoolean("raft.test.log") ? new Printing(Long.toHexString(id)) : Silent.INSTANCE;
    }

    private static final class Silent implements System.Logger {
        static final Silent INSTANCE = new Silent();

        @Override
        public String getName() {
            return "silent";
        }

        @Override
        public boolean isLoggable(Level level) {
            return false;
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        }
    }

    private record Printing(String name) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.DEBUG.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            System.err.println("[" + name + "] " + level + " " + msg + (thrown == null ? "" : " " + thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            System.err.println("[" + name + "] " + level + " "
                    + (params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params)));
        }
    }
}
