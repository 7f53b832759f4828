package io.etcdj.raft.script;

/**
 * A mistake in a script itself (unknown command, malformed argument, missing {@code ----}): the
 * script cannot be run, so the test fails instead of recording the mistake as expected output.
 */
final class ScriptException extends RuntimeException {
    ScriptException(String message) {
        super(message);
    }
}
