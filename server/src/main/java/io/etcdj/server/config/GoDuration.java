package io.etcdj.server.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration}, which etcd uses for duration flags ({@code --grpc-keepalive-min-time 5s})
 * and for {@code --auto-compaction-retention}: a signed sequence of decimal numbers each with a unit
 * ({@code ns us µs μs ms s m h}), e.g. {@code 1h30m}, {@code 1.5h}, {@code -300ms}; a bare {@code 0} is zero.
 * The error texts are Go's.
 */
final class GoDuration {
    private GoDuration() {
    }

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L, // U+00B5 micro sign
            "\u03bcs", 1_000L, // U+03BC Greek mu
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(63);

    /**
     * Parses {@code text} as Go does.
     *
     * @throws IllegalArgumentException with Go's message, e.g. {@code time: invalid duration "x"}
     */
    static Duration parse(String text) {
        String orig = text;
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(orig);
        }
        BigInteger total = BigInteger.ZERO;
        while (!s.isEmpty()) {
            char first = s.charAt(0);
            if (!(first == '.' || first >= '0' && first <= '9')) {
                throw invalid(orig);
            }
            int i = 0;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
            String whole = s.substring(0, i);
            s = s.substring(i);
            BigInteger intPart = whole.isEmpty() ? BigInteger.ZERO : new BigInteger(whole);
            if (intPart.compareTo(LIMIT) > 0) {
                throw invalid(orig);
            }
            String fraction = "";
            boolean hasFraction = false;
            if (!s.isEmpty() && s.charAt(0) == '.') {
                s = s.substring(1);
                int j = 0;
                while (j < s.length() && isDigit(s.charAt(j))) {
                    j++;
                }
                fraction = s.substring(0, j);
                hasFraction = j > 0;
                s = s.substring(j);
            }
            if (whole.isEmpty() && !hasFraction) {
                throw invalid(orig);
            }
            int u = 0;
            while (u < s.length() && s.charAt(u) != '.' && !isDigit(s.charAt(u))) {
                u++;
            }
            if (u == 0) {
                throw new IllegalArgumentException("time: missing unit in duration " + GoText.quote(orig));
            }
            String unitName = s.substring(0, u);
            s = s.substring(u);
            Long unit = UNIT_NANOS.get(unitName);
            if (unit == null) {
                throw new IllegalArgumentException(
                        "time: unknown unit " + GoText.quote(unitName) + " in duration " + GoText.quote(orig));
            }
            BigInteger value = intPart.multiply(BigInteger.valueOf(unit));
            if (value.compareTo(LIMIT) > 0) {
                throw invalid(orig);
            }
            if (!fraction.isEmpty()) {
                // Go adds the fraction in float64 and truncates; for realistic inputs exact decimal
                // arithmetic truncated toward zero gives the same nanoseconds.
                BigDecimal frac = new BigDecimal("0." + fraction).multiply(BigDecimal.valueOf(unit));
                value = value.add(frac.setScale(0, RoundingMode.DOWN).toBigInteger());
                if (value.compareTo(LIMIT) > 0) {
                    throw invalid(orig);
                }
            }
            total = total.add(value);
            if (total.compareTo(LIMIT) > 0) {
                throw invalid(orig);
            }
        }
        if (negative) {
            return Duration.ofNanos(total.negate().longValue());
        }
        if (total.compareTo(LIMIT) >= 0) {
            throw invalid(orig);
        }
        return Duration.ofNanos(total.longValue());
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String orig) {
        return new IllegalArgumentException("time: invalid duration " + GoText.quote(orig));
    }
}
