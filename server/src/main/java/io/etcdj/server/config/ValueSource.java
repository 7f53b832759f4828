package io.etcdj.server.config;

/** Where a flag's value came from. */
public enum ValueSource {
    /** Not given: etcd's default (or a value etcd derives, such as the initial cluster). */
    DEFAULT,
    COMMAND_LINE,
    /** An {@code ETCD_*} environment variable. */
    ENVIRONMENT,
    /** The YAML file named by {@code --config-file}. */
    CONFIG_FILE
}
