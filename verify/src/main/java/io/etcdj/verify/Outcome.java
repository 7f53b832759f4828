package io.etcdj.verify;

/** What a client learned about whether its operation took effect. */
public enum Outcome {
    /** The operation took effect between its invocation and its completion, with the recorded output. */
    OK,
    /**
     * The operation definitely did not take effect: only for errors that prove it, such as a request refused by
     * validation before it was proposed. A timeout ({@code etcdserver: request timed out}), a leader change, a
     * cancelled call or a broken connection proves nothing: that is {@link #INFO}. Misfiling an applied operation as
     * FAIL makes the checkers report false violations.
     */
    FAIL,
    /**
     * Indeterminate: the client timed out or lost its connection. The operation may have taken effect at any
     * moment after its invocation, even long after the client gave up, or never; its output is unknown.
     */
    INFO
}
