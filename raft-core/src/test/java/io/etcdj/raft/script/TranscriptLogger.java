package io.etcdj.raft.script;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * A node's {@link System.Logger} that writes into the shared {@link Transcript}, as etcd's
 * RedirectLogger. A message spanning lines (one that embeds a protobuf's text form) is folded onto
 * one line, so a transcript line is always one log record.
 */
record TranscriptLogger(Transcript transcript) implements System.Logger {
    @Override
    public String getName() {
        return "script";
    }

    @Override
    public boolean isLoggable(Level level) {
        return transcript.wants(Transcript.Level.of(level));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        transcript.log(Transcript.Level.of(level), fold(msg + (thrown == null ? "" : ": " + thrown)));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        String msg = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
        transcript.log(Transcript.Level.of(level), fold(msg));
    }

    private static String fold(String msg) {
        return msg.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
