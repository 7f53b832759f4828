package io.etcdj.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class UsageTest {

    @Test
    void usageLineIsEtcds() {
        String usage = Usage.usageLine();
        assertTrue(usage.startsWith("Usage:\n\n  etcd [flags]\n    Start an etcd server.\n\n  etcd --version\n"));
        assertTrue(usage.endsWith("  etcd grpc-proxy\n    Run the stateless etcd v3 gRPC L7 reverse proxy.\n"));
    }

    @Test
    void flagsKeepEtcdsSectionsAndAddEtcdjs() {
        String flags = Usage.flags();
        int previous = -1;
        for (String section : new String[] {"\nMember:\n", "\nClustering:\n", "\nSecurity:\n", "\nAuth:\n",
                "\nProfiling and Monitoring:\n", "\nLogging:\n", "\nv2 Proxy (to be deprecated in v4):\n",
                "\nExperimental feature:\n", "\nUnsafe feature:\n", "\nTO BE DEPRECATED:\n", "\netcdj:\n"}) {
            int at = flags.indexOf(section);
            assertTrue(at > previous, section);
            previous = at;
        }
        assertTrue(flags.contains("  --store 'rocks'\n"));
        assertTrue(flags.contains("  --transport 'grpc'\n"));
        assertTrue(flags.contains("  --store-opt ''\n"));
        assertTrue(flags.contains("  --bcrypt-cost 10\n"));
        assertTrue(flags.contains("  --max-concurrent-streams 'math.MaxUint32'\n"));
        assertEquals(Usage.usageLine() + flags, Usage.text());
    }

    @Test
    void everyFlagIsDescribedOrListedAsUnsupported() {
        // Flags etcd 3.4 accepts without describing them among the flags (config-file is in the usage line).
        Set<String> undocumentedByEtcd = Set.of("config-file", "log-output", "enable-grpc-gateway", "unsafe-no-fsync",
                "experimental-enable-lease-checkpoint-persist", "version");
        String flags = Usage.flags();
        for (Flag<?> flag : Flags.all()) {
            if (Flags.isLegacyIgnored(flag) || undocumentedByEtcd.contains(flag.name())) {
                continue;
            }
            assertTrue(flags.contains("  --" + flag.name() + " "), flag.name());
        }
        String etcdj = flags.substring(flags.indexOf("\netcdj:\n"));
        for (Flag<?> flag : Flags.all()) {
            boolean listed = etcdj.contains(" --" + flag.name() + ",") || etcdj.contains(" --" + flag.name() + "\n");
            boolean unsupported = flag.support() != Support.SUPPORTED && !Flags.isLegacyIgnored(flag);
            assertEquals(unsupported, listed, flag.name());
        }
    }
}
