package io.etcdj.server.config;

import static io.etcdj.server.config.Parsing.config;
import static io.etcdj.server.config.Parsing.env;
import static io.etcdj.server.config.Parsing.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SupportPolicyTest {

    @Test
    void tlsFlagIsRefused() {
        ParseResult.Failure f = failure("--cert-file", "server.crt");
        assertEquals("etcdj: --cert-file is not supported yet (TLS is not built); refusing to start without it",
                f.message());
        assertEquals(1, f.exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--key-file=k", "--client-cert-auth", "--client-crl-file=c", "--trusted-ca-file=ca",
            "--client-cert-allowed-hostname=h", "--auto-tls", "--peer-cert-file=c", "--peer-key-file=k",
            "--peer-client-cert-auth", "--peer-trusted-ca-file=ca", "--peer-auto-tls", "--peer-crl-file=c",
            "--peer-cert-allowed-cn=cn", "--peer-cert-allowed-hostname=h", "--cipher-suites=TLS_X",
            "--experimental-peer-skip-client-san-verification", "--discovery=https://discovery.etcd.io/x",
            "--discovery-srv=example.com", "--discovery-srv-name=x", "--discovery-proxy=http://p:1",
            "--proxy=on", "--proxy=readonly", "--auth-token=jwt,sign-method=RS256", "--force-new-cluster",
            "--cors=http://example.com:80", "--host-whitelist=example.com"})
    void everyRefusedFlagWithANonDefaultValueStopsTheStart(String arg) {
        String name = arg.substring(2).split("=")[0];
        assertEquals(Support.REFUSED, Flags.byName(name).orElseThrow().support());
        String message = failure(arg).message();
        assertTrue(message.startsWith("etcdj: --" + name + " is not supported yet ("), message);
        assertTrue(message.endsWith("); refusing to start without it"), message);
    }

    @Test
    void refusedFlagsAtTheirDefaultArePermitted() {
        EtcdConfig c = config("--proxy=off", "--auth-token=simple", "--cors=*", "--host-whitelist=*",
                "--cert-file=", "--auto-tls=false", "--force-new-cluster=false", "--data-dir=d");
        assertTrue(c.isSet(Flags.PROXY));
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
    }

    @Test
    void refusedThroughTheEnvironmentToo() {
        assertEquals("etcdj: --peer-auto-tls is not supported yet (TLS is not built); refusing to start without it",
                failure(env("ETCD_PEER_AUTO_TLS", "true")).message());
    }

    @Test
    void ignoredFlagsWarnOnlyWhenChanged() {
        EtcdConfig c = config("--pre-vote", "--grpc-keepalive-min-time=10s", "--metrics=basic",
                "--enable-pprof=false", "--data-dir=d");
        // --pre-vote is implemented now (the Raft core has pre-vote): set, and no warning.
        assertEquals(List.of(
                "etcdj: --grpc-keepalive-min-time is not supported yet and is ignored (gRPC connection tuning; "
                        + "etcdj's defaults apply)"), c.warnings());
        assertEquals(true, c.get(Flags.PRE_VOTE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--listen-metrics-urls=http://127.0.0.1:9000", "--backend-batch-interval=10ms",
            "--backend-batch-limit=5", "--max-concurrent-streams=10", "--grpc-keepalive-interval=1h",
            "--grpc-keepalive-timeout=1s", "--experimental-initial-corrupt-check",
            "--experimental-corrupt-check-time=1m", "--experimental-enable-v2v3=/v2",
            "--experimental-backend-bbolt-freelist-type=map", "--experimental-enable-lease-checkpoint",
            "--experimental-compaction-batch-limit=10", "--experimental-watch-progress-notify-interval=1m",
            "--experimental-warning-apply-duration=1s", "--unsafe-no-fsync", "--enable-grpc-gateway=false",
            "--log-package-levels=etcdserver=DEBUG", "--metrics=extensive", "--enable-pprof",
            "--discovery-fallback=exit", "--proxy-failure-wait=1", "--proxy-refresh-interval=1",
            "--proxy-dial-timeout=1", "--proxy-write-timeout=1", "--proxy-read-timeout=1"})
    void everyIgnoredFlagWarns(String arg) {
        String name = arg.substring(2).split("=")[0];
        assertEquals(Support.IGNORED_WITH_WARNING, Flags.byName(name).orElseThrow().support());
        List<String> warnings = config(arg, "--data-dir=d").warnings();
        assertEquals(1, warnings.stream().filter(w -> w.startsWith("etcdj: --" + name + " is not supported yet and "
                + "is ignored (")).count(), warnings.toString());
    }

    @Test
    void everyFlagIsClassifiedWithAReasonUnlessSupported() {
        for (Flag<?> flag : Flags.all()) {
            assertEquals(flag.support() == Support.SUPPORTED, flag.reason().isEmpty(), flag.name());
        }
    }
}
