/**
 * etcd 3.4's command-line, environment and config-file configuration, as etcd's users know it.
 *
 * <p>Entry point: {@link io.etcdj.server.config.ConfigParser#parse(String[], java.util.Map)}, which gives a
 * {@link io.etcdj.server.config.ParseResult}: a validated {@link io.etcdj.server.config.EtcdConfig}, a help or
 * version text ({@link io.etcdj.server.config.Usage}, {@link io.etcdj.server.config.VersionInfo}), or a failure
 * with etcd's message and exit code.
 *
 * <p>Faithful to etcd 3.4 ({@code etcdmain/config.go}, {@code embed/config.go}, {@code pkg/flags}):
 * <ul>
 *   <li>Go flag syntax ({@code -f v}, {@code --f=v}, bare booleans, {@code --}), Go's number, boolean and
 *       duration syntax, etcd's URL rules, etcd's defaults; the last occurrence of a flag wins;</li>
 *   <li>{@code ETCD_<FLAG>} environment variables for flags not on the command line; a variable that names a
 *       flag also given on the command line is an error (etcd 3.4 exits, the flag does not win); unknown or
 *       empty {@code ETCD_*} variables are warned about;</li>
 *   <li>{@code --config-file} (or {@code ETCD_CONFIG_FILE}) replaces the command line and the environment;</li>
 *   <li>error texts are etcd's, e.g. {@code flag provided but not defined: -foo},
 *       {@code invalid value "x" for flag -snapshot-count: parse error},
 *       {@code '<arg>' is not a valid flag}.</li>
 * </ul>
 *
 * <h2>Support classification</h2>
 * Every flag etcd 3.4 accepts is accepted and validated as etcd validates it. What etcdj then does with it:
 * <table>
 *   <caption>etcd flags by etcdj support</caption>
 *   <tr><th>Class</th><th>Flags</th><th>Why</th></tr>
 *   <tr><td>SUPPORTED</td>
 *       <td>config-file, name, data-dir, wal-dir, snapshot-count, heartbeat-interval, election-timeout,
 *           initial-election-tick-advance, listen-peer-urls, listen-client-urls, max-snapshots, max-wals,
 *           quota-backend-bytes, max-txn-ops, max-request-bytes, initial-advertise-peer-urls,
 *           advertise-client-urls, initial-cluster, initial-cluster-token, initial-cluster-state,
 *           strict-reconfig-check, enable-v2, auto-compaction-retention, auto-compaction-mode, logger,
 *           log-outputs, log-output (deprecated), debug (deprecated), log-level, auth-token=simple, bcrypt-cost,
 *           auth-token-ttl, version, help; etcdj's store, transport, peer-transport, max-learners, store-opt</td>
 *       <td>Honoured. strict-reconfig-check cannot be ignored: its default (true) is a safety check.</td></tr>
 *   <tr><td>IGNORED_WITH_WARNING</td>
 *       <td>grpc-keepalive-min-time, grpc-keepalive-interval, grpc-keepalive-timeout, max-concurrent-streams,
 *           backend-batch-interval, backend-batch-limit, experimental-backend-bbolt-freelist-type,
 *           experimental-compaction-batch-limit, listen-metrics-urls, metrics, enable-pprof,
 *           experimental-initial-corrupt-check, experimental-corrupt-check-time,
 *           experimental-enable-lease-checkpoint(-persist), experimental-watch-progress-notify-interval,
 *           experimental-warning-apply-duration, experimental-enable-v2v3, enable-grpc-gateway,
 *           log-package-levels, unsafe-no-fsync, discovery-fallback, proxy-failure-wait,
 *           proxy-refresh-interval, proxy-dial-timeout, proxy-write-timeout, proxy-read-timeout; etcd's own
 *           legacy list (config, snapshot, peer-heartbeat-interval, v, vv, ...)</td>
 *       <td>Tuning, observability, detection-only checks, settings of
 *           features that are themselves refused (the proxy timeouts, discovery-fallback), or requests for less
 *           safety than etcdj gives anyway (unsafe-no-fsync). None can weaken safety or security. Warned about
 *           only when set to a value other than etcd's default.</td></tr>
 *   <tr><td>REFUSED</td>
 *       <td>cert-file, key-file, client-cert-auth, client-crl-file, client-cert-allowed-hostname,
 *           trusted-ca-file, auto-tls, peer-cert-file, peer-key-file, peer-client-cert-auth,
 *           peer-trusted-ca-file, peer-auto-tls, peer-crl-file, peer-cert-allowed-cn,
 *           peer-cert-allowed-hostname, cipher-suites, experimental-peer-skip-client-san-verification,
 *           cors, host-whitelist, discovery, discovery-srv, discovery-srv-name, discovery-proxy, proxy,
 *           auth-token (other than simple), force-new-cluster</td>
 *       <td>Ignoring them would silently weaken security (plaintext instead of TLS; every origin or host
 *           allowed although the operator restricted them; simple tokens instead of JWT) or do something other
 *           than asked (no discovery, no proxy, no forced recovery). A value other than etcd's default stops the
 *           start with {@code etcdj: --cert-file is not supported yet (TLS is not built); refusing to start
 *           without it}.</td></tr>
 * </table>
 *
 * <p>Known differences from etcd: integer flags hold Java {@code long}s ({@code uint64} values above
 * 2<sup>63</sup>-1 are out of range); an unknown {@code --log-level} is an error where etcd panics; the config
 * file is read with a YAML subset ({@link io.etcdj.server.config.ConfigParser} reports anything outside it) and
 * its unknown keys are warned about; etcd's start-up warning about the deprecated capnslog logger is not
 * repeated.
 */
package io.etcdj.server.config;
