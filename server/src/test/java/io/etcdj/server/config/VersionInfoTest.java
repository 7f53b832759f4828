package io.etcdj.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class VersionInfoTest {

    @Test
    void linesInEtcdsStyle() {
        VersionInfo v = new VersionInfo("3.4.23", "0.1.0", "abc123", "21.0.5+11", "linux/amd64");
        assertEquals(List.of("etcd Version: 3.4.23", "etcdj Version: 0.1.0", "Git SHA: abc123",
                "Java Version: 21.0.5+11", "OS/Arch: linux/amd64"), v.lines());
        assertEquals("etcd Version: 3.4.23\netcdj Version: 0.1.0\nGit SHA: abc123\nJava Version: 21.0.5+11\n"
                + "OS/Arch: linux/amd64\n", v.text());
    }

    @Test
    void currentReportsTheImplementedApiAndRuntime() {
        VersionInfo v = VersionInfo.current();
        assertEquals(VersionInfo.ETCD_API_VERSION, v.etcdVersion());
        assertEquals(Runtime.version().toString(), v.javaVersion());
        assertFalse(v.etcdjVersion().contains("${"), v.etcdjVersion());
        assertFalse(v.gitSha().isEmpty());
    }

    @Test
    void goPlatformNames() {
        assertEquals("linux", VersionInfo.goOs("Linux"));
        assertEquals("darwin", VersionInfo.goOs("Mac OS X"));
        assertEquals("windows", VersionInfo.goOs("Windows 11"));
        assertEquals("amd64", VersionInfo.goArch("x86_64"));
        assertEquals("amd64", VersionInfo.goArch("amd64"));
        assertEquals("arm64", VersionInfo.goArch("aarch64"));
        assertEquals("386", VersionInfo.goArch("i686"));
    }
}
