package io.etcdj.v2store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Go's time conventions used by the v2 store: RFC3339Nano text and nanosecond durations. */
final class GoTime {
    /** Go's zero {@code time.Time}; etcd uses it to mean "no TTL" (permanent). */
    static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private GoTime() {
    }

    /**
     * Formats {@code t} in UTC as Go's {@code time.RFC3339Nano} does: trailing zeros of the
     * fraction are dropped, and the fraction is omitted entirely when it is zero.
     * Go refuses to marshal years outside [0,9999]; such times are formatted with more digits here.
     */
    static String rfc3339Nano(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(35);
        int year = d.getYear();
        if (year < 0) {
            b.append('-');
        }
        pad(b, Math.abs(year), 4);
        b.append('-');
        pad(b, d.getMonthValue(), 2);
        b.append('-');
        pad(b, d.getDayOfMonth(), 2);
        b.append('T');
        pad(b, d.getHour(), 2);
        b.append(':');
        pad(b, d.getMinute(), 2);
        b.append(':');
        pad(b, d.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            StringBuilder frac = new StringBuilder(9);
            pad(frac, nanos, 9);
            int end = 9;
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            b.append('.').append(frac, 0, end);
        }
        return b.append('Z').toString();
    }

    /** Parses RFC3339 with an optional fraction and any offset, as Go's {@code time.Time.UnmarshalJSON}. */
    static Instant parseRfc3339(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad RFC3339 time " + s, e);
        }
    }

    /** Go's {@code t.Sub(u)} in nanoseconds, saturating at the int64 range as Go does. */
    static long subNanos(Instant t, Instant u) {
        Duration d = Duration.between(u, t);
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * etcd's remaining TTL in whole seconds: ceiling((expire - now) / 1s) for positive remainders,
     * Go's truncating division otherwise (so an expired key shows 0 or a negative TTL).
     */
    static long ttlSeconds(Instant expire, Instant now) {
        long nanos = subNanos(expire, now);
        long ttl = nanos / NANOS_PER_SECOND;
        if (nanos % NANOS_PER_SECOND > 0) {
            ttl++;
        }
        return ttl;
    }

    private static void pad(StringBuilder b, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        b.append(s);
    }
}
