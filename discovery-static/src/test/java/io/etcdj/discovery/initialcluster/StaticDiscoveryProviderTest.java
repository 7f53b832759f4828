package io.etcdj.discovery.initialcluster;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticDiscoveryProviderTest {
    @Test
    void parsesRepeatedNamesInOrder() {
        Map<String, List<URI>> m = StaticDiscoveryProvider.parse(
                "infra0=http://10.0.1.10:2380,infra1=http://10.0.1.11:2380,infra0=http://10.0.1.12:2380");
        assertEquals(List.of("infra0", "infra1"), List.copyOf(m.keySet()));
        assertEquals(List.of(URI.create("http://10.0.1.10:2380"), URI.create("http://10.0.1.12:2380")), m.get("infra0"));
    }

    @Test
    void refusesMalformedEntries() {
        assertThrows(IllegalArgumentException.class, () -> StaticDiscoveryProvider.parse("infra0"));
        assertThrows(IllegalArgumentException.class, () -> StaticDiscoveryProvider.parse("=http://a:1"));
        assertThrows(IllegalArgumentException.class, () -> StaticDiscoveryProvider.parse("a=ftp://a:1"));
        assertThrows(IllegalArgumentException.class, () -> StaticDiscoveryProvider.parse("a=http://a"));
        assertThrows(IllegalArgumentException.class, () -> StaticDiscoveryProvider.parse("a=http://a:1/path"));
    }

    @Test
    void emptyIsEmpty() {
        assertTrue(StaticDiscoveryProvider.parse("").isEmpty());
    }
}
