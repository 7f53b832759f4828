package io.etcdj.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Makes sure a freshly started {@code etcdctl watch} (without {@code --rev}) is in place before a test
 * writes the events it expects: etcdctl prints nothing when its watch is created, so the probe writes a key
 * inside the watched range until an event for it appears.
 */
final class WatchProbe {

    private static final int MAX_PROBES = 100;
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private WatchProbe() {
    }

    /**
     * Writes {@code probeKey} until {@code watch} prints its event, then waits for the event of the last
     * probe write too, so that no probe event arrives later.
     *
     * @param json whether the watch prints {@code -w json} (values appear base64-encoded)
     * @return the number of output lines once the probe events are all printed; the test's own events follow
     */
    static int awaitWatching(Etcdctl ctl, RunningEtcdctl watch, String probeKey, boolean json) {
        for (int i = 0; i < MAX_PROBES; i++) {
            String value = "probe-" + i;
            ctl.ok("put", probeKey, value);
            String marker = json ? Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) : value;
            if (watch.printsWithin(WatchProbe::containsProbe, PROBE_INTERVAL)) {
                return watch.awaitOutput(lines -> contains(lines, marker), WAIT, marker).size();
            }
            if (!watch.isAlive()) {
                throw new AssertionError("the watch exited\n" + watch);
            }
        }
        throw new AssertionError("the watch never reported the probe key " + probeKey + "\n" + watch);
    }

    // "cHJvYmUt" is base64 of "probe-": the first six bytes of every probe value encode alike.
    private static boolean containsProbe(List<String> lines) {
        return lines.stream().anyMatch(line -> line.contains("probe-") || line.contains("cHJvYmUt"));
    }

    private static boolean contains(List<String> lines, String marker) {
        return lines.stream().anyMatch(line -> line.equals(marker) || line.contains("\"" + marker + "\""));
    }
}
