package io.etcdj.server.config;

/** How far etcdj honours one etcd flag; see the table in the package documentation. */
public enum Support {
    /** Parsed, validated and honoured. */
    SUPPORTED,
    /**
     * Parsed and validated as etcd does (a malformed value still fails), but not acted on; a value other than
     * etcd's default produces a warning. Only flags whose absence cannot weaken safety or security.
     */
    IGNORED_WITH_WARNING,
    /**
     * Parsed and validated as etcd does; a value other than etcd's default stops etcdj from starting, because
     * running without the feature would silently weaken safety or security.
     */
    REFUSED
}
