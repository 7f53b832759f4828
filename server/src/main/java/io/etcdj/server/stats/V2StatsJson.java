package io.etcdj.server.stats;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * etcd's {@code /v2/stats/self} and {@code /v2/stats/leader} bodies, written as Go's encoding/json
 * writes etcd's ServerStats and LeaderStats (field order, omitempty, Go's float, time and duration
 * formats).
 */
public final class V2StatsJson {
    private V2StatsJson() {
    }

    /** What {@code /v2/stats/self} reports. */
    public record Self(String name, long id, String state, Instant startTime, long leader, Instant leaderSince,
                       Instant now, long receivedAppends, long sentAppends) {
    }

    public static String self(Self s) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"name\":").append(string(s.name()))
                .append(",\"id\":\"").append(Long.toHexString(s.id())).append('"')
                .append(",\"state\":\"").append(s.state()).append('"')
                .append(",\"startTime\":\"").append(time(s.startTime())).append('"')
                .append(",\"leaderInfo\":{\"leader\":\"").append(s.leader() == 0 ? "" : Long.toHexString(s.leader()))
                .append("\",\"uptime\":\"").append(s.leaderSince() == null ? "0s"
                        : goDuration(Duration.between(s.leaderSince(), s.now()))).append('"')
                .append(",\"startTime\":\"").append(time(s.leaderSince() == null ? Instant.EPOCH.minusSeconds(62135596800L)
                        : s.leaderSince())).append("\"}")
                .append(",\"recvAppendRequestCnt\":").append(s.receivedAppends())
                .append(",\"sendAppendRequestCnt\":").append(s.sentAppends())
                .append('}');
        return b.toString();
    }

    public static String leader(long leader, Map<Long, PeerStats.Follower.Snapshot> followers) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"leader\":\"").append(Long.toHexString(leader)).append("\",\"followers\":{");
        boolean first = true;
        for (var e : followers.entrySet()) {
            PeerStats.Follower.Snapshot f = e.getValue();
            b.append(first ? "" : ",").append('"').append(Long.toHexString(e.getKey())).append("\":{\"latency\":{")
                    .append("\"current\":").append(goFloat(f.current()))
                    .append(",\"average\":").append(goFloat(f.average()))
                    .append(",\"standardDeviation\":").append(goFloat(f.standardDeviation()))
                    .append(",\"minimum\":").append(goFloat(f.minimum()))
                    .append(",\"maximum\":").append(goFloat(f.maximum()))
                    .append("},\"counts\":{\"fail\":").append(f.fail()).append(",\"success\":").append(f.success())
                    .append("}}");
            first = false;
        }
        return b.append("}}").toString();
    }

    /** Go's encoding/json float64: shortest round-trip digits, plain below 1e21, exponent form below 1e-6. */
    static String goFloat(double d) {
        if (d == 0) {
            return "0";
        }
        double abs = Math.abs(d);
        if (abs < 1e-6 || abs >= 1e21) {
            String s = Double.toString(d);  // d.dddE-n
            int e = s.indexOf('E');
            String mantissa = s.substring(0, e);
            if (mantissa.endsWith(".0")) {
                mantissa = mantissa.substring(0, mantissa.length() - 2);
            }
            int exp = Integer.parseInt(s.substring(e + 1));
            return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        String plain = new BigDecimal(Double.toString(d)).toPlainString();
        if (plain.contains(".")) {
            plain = plain.replaceAll("0+$", "");
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return plain;
    }

    /** Go's time.Time JSON (RFC 3339 with nanoseconds, trailing zeros dropped), in UTC. */
    static String time(Instant t) {
        String base = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
        int nanos = t.getNano();
        if (nanos == 0) {
            return base + "Z";
        }
        String frac = String.format("%09d", nanos).replaceAll("0+$", "");
        return base + "." + frac + "Z";
    }

    /** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
    static String goDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        long n = Math.abs(nanos);
        String out;
        if (n < 1_000) {
            out = n + "ns";
        } else if (n < 1_000_000) {
            out = trim(n / 1_000.0) + "µs";
        } else if (n < 1_000_000_000) {
            out = trim(n / 1_000_000.0) + "ms";
        } else {
            long hours = n / 3_600_000_000_000L;
            long minutes = n / 60_000_000_000L % 60;
            long secNanos = n % 60_000_000_000L;
            String seconds = trim(BigDecimal.valueOf(secNanos, 9).doubleValue()) + "s";
            out = (hours > 0 ? hours + "h" : "") + (hours > 0 || minutes > 0 ? minutes + "m" : "") + seconds;
            if (secNanos % 1_000_000_000L != 0) {
                out = (hours > 0 ? hours + "h" : "") + (hours > 0 || minutes > 0 ? minutes + "m" : "")
                        + BigDecimal.valueOf(secNanos, 9).stripTrailingZeros().toPlainString() + "s";
            }
        }
        return negative ? "-" + out : out;
    }

    private static String trim(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '<' -> b.append("\\u003c");
                case '>' -> b.append("\\u003e");
                case '&' -> b.append("\\u0026");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
