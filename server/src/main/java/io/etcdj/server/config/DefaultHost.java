package io.etcdj.server.config;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The machine's default host, which etcd ({@code netutil.GetDefaultHost}) advertises instead of
 * {@code localhost} when a member listens on {@code 0.0.0.0} with the default advertise URL.
 */
@FunctionalInterface
public interface DefaultHost {

    /** The host, or empty when it cannot be found (etcd then keeps {@code localhost}). */
    Optional<String> lookup();

    /** A fixed answer, for tests and for machines where the lookup is unwanted. */
    static DefaultHost of(Optional<String> host) {
        return () -> host;
    }

    /**
     * The address of the interface that carries the default route (IPv4 preferred), read from Linux's
     * {@code /proc/net/route} and {@code /proc/net/ipv6_route}. etcd asks netlink and prefers the route's
     * preferred source address; this takes the interface's first address of that family, which agrees on
     * ordinary single-address interfaces. Empty on other systems.
     */
    static DefaultHost system() {
        return () -> {
            Optional<String> v4 = defaultRouteInterface(Path.of("/proc/net/route"), false)
                    .flatMap(name -> firstAddress(name, false));
            return v4.isPresent() ? v4 : defaultRouteInterface(Path.of("/proc/net/ipv6_route"), true)
                    .flatMap(name -> firstAddress(name, true));
        };
    }

    private static Optional<String> defaultRouteInterface(Path table, boolean ipv6) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (!ipv6 && f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000")) {
                return Optional.of(f[0]);
            }
            if (ipv6 && f.length >= 10 && f[0].equals("00000000000000000000000000000000") && f[1].equals("00")
                    && !f[9].equals("lo")) {
                return Optional.of(f[9]);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstAddress(String interfaceName, boolean ipv6) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(interfaceName);
            if (nic == null) {
                return Optional.empty();
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!ipv6 && address instanceof Inet4Address) {
                    return Optional.of(address.getHostAddress());
                }
                if (ipv6 && address instanceof Inet6Address v6 && !v6.isLinkLocalAddress()) {
                    String text = v6.getHostAddress();
                    int zone = text.indexOf('%');
                    return Optional.of(zone < 0 ? text : text.substring(0, zone));
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
