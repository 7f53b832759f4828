package io.etcdj.server.config;

/**
 * A configuration etcd would refuse. The message is one line, in etcd's wording where etcd has one.
 */
public final class ConfigException extends Exception {
    private final int exitCode;

    ConfigException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** A configuration that parsed but is invalid: etcd exits with 1. */
    static ConfigException invalid(String message) {
        return new ConfigException(message, 1);
    }

    /** The process exit code etcd uses for this failure. */
    public int exitCode() {
        return exitCode;
    }
}
