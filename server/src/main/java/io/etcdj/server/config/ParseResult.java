package io.etcdj.server.config;

/**
 * What {@link ConfigParser#parse} decided: run with a configuration, print help, print the version, or fail.
 * Main writes the given texts verbatim and exits with the given code, as etcd does.
 */
public sealed interface ParseResult {

    /** Start the server with this configuration; log its {@link EtcdConfig#infos()} and {@link EtcdConfig#warnings()}. */
    record Run(EtcdConfig config) implements ParseResult {
    }

    /**
     * {@code -h} / {@code --help}: write {@code stderr} to standard error and {@code stdout} to standard output,
     * then exit with 0 (etcd splits its help this way).
     */
    record Help(String stdout, String stderr) implements ParseResult {
    }

    /** {@code --version}: write {@code stdout} to standard output and exit with 0. */
    record Version(String stdout) implements ParseResult {
    }

    /**
     * The arguments, environment or config file are not acceptable.
     *
     * @param message  one line, in etcd's wording where etcd has one
     * @param exitCode etcd's exit code: 2 for a flag syntax error (unknown flag, malformed value; Go's flag
     *                 package), 1 for everything found after parsing (positional arguments, environment
     *                 variables, validation, unsupported features)
     * @param showUsage whether etcd follows the message with its usage summary (flag syntax errors)
     */
    record Failure(String message, int exitCode, boolean showUsage) implements ParseResult {

        /**
         * Exactly what to write to standard error. For syntax errors that is etcd's output: the message and the
         * usage summary. For the others etcd logs {@code error verifying flags, <message>. See 'etcd --help'.};
         * this gives that sentence, for Main to log at error level or print.
         */
        public String stderrText() {
            if (showUsage) {
                return message + "\n" + Usage.usageLine() + "\n";
            }
            return "error verifying flags, " + message + ". See 'etcd --help'.\n";
        }
    }
}
