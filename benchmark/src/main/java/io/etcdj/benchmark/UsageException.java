package io.etcdj.benchmark;

/** A command line that cannot be run as given; {@link Main} prints the message and exits with status 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
