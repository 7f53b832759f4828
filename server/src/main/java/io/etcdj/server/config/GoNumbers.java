package io.etcdj.server.config;

import java.math.BigInteger;

/**
 * Go's {@code strconv.ParseUint / ParseInt(s, 0, bits)} and {@code ParseBool}, which Go's flag package uses
 * for numeric and boolean flags: base prefixes ({@code 0x}, {@code 0o}, {@code 0b}, a leading {@code 0} for
 * octal) and {@code _} digit separators are accepted exactly where Go accepts them.
 *
 * <p>etcdj stores every integer flag in a Java {@code long}; a {@code uint64} value above
 * {@link Long#MAX_VALUE} (which Go would take) is reported as out of range.
 */
final class GoNumbers {
    private GoNumbers() {
    }

    /** Why a number did not parse; Go's flag package words these "parse error" and "value out of range". */
    enum Failure {
        SYNTAX("invalid syntax", "parse error"),
        RANGE("value out of range", "value out of range");

        /** The {@code strconv.NumError} text. */
        final String strconvText;
        /** The text Go's flag package substitutes for built-in flag types. */
        final String flagText;

        Failure(String strconvText, String flagText) {
            this.strconvText = strconvText;
            this.flagText = flagText;
        }
    }

    /** A number that Go would reject. */
    static final class NumberException extends Exception {
        final Failure failure;

        NumberException(Failure failure) {
            super(failure.strconvText, null, false, false);
            this.failure = failure;
        }
    }

    /** {@code strconv.ParseUint(s, 0, bitSize)}. */
    static long parseUint(String s, int bitSize) throws NumberException {
        BigInteger value = parseMagnitude(s, bitSize);
        return toLong(value);
    }

    /** {@code strconv.ParseInt(s, 0, bitSize)}. */
    static long parseInt(String s, int bitSize) throws NumberException {
        if (s.isEmpty()) {
            throw new NumberException(Failure.SYNTAX);
        }
        boolean negative = s.charAt(0) == '-';
        String digits = (s.charAt(0) == '-' || s.charAt(0) == '+') ? s.substring(1) : s;
        BigInteger magnitude = parseMagnitude(digits, bitSize);
        BigInteger cutoff = BigInteger.ONE.shiftLeft(bitSize - 1);
        if (!negative && magnitude.compareTo(cutoff) >= 0 || negative && magnitude.compareTo(cutoff) > 0) {
            throw new NumberException(Failure.RANGE);
        }
        return negative ? magnitude.negate().longValueExact() : magnitude.longValueExact();
    }

    /** {@code strconv.ParseBool}. */
    static boolean parseBool(String s) throws NumberException {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new NumberException(Failure.SYNTAX);
        };
    }

    private static BigInteger parseMagnitude(String s0, int bitSize) throws NumberException {
        if (s0.isEmpty()) {
            throw new NumberException(Failure.SYNTAX);
        }
        String s = s0;
        int base = 10;
        if (s.charAt(0) == '0') {
            char prefix = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
            switch (prefix) {
                case 'b' -> { base = 2; s = s.substring(2); }
                case 'o' -> { base = 8; s = s.substring(2); }
                case 'x' -> { base = 16; s = s.substring(2); }
                default -> { base = 8; s = s.substring(1); }
            }
        }
        BigInteger max = BigInteger.ONE.shiftLeft(bitSize).subtract(BigInteger.ONE);
        BigInteger bigBase = BigInteger.valueOf(base);
        BigInteger n = BigInteger.ZERO;
        boolean underscores = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int d;
            if (c == '_') {
                underscores = true;
                continue;
            } else if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (Character.toLowerCase(c) >= 'a' && Character.toLowerCase(c) <= 'z') {
                d = Character.toLowerCase(c) - 'a' + 10;
            } else {
                throw new NumberException(Failure.SYNTAX);
            }
            if (d >= base) {
                throw new NumberException(Failure.SYNTAX);
            }
            n = n.multiply(bigBase).add(BigInteger.valueOf(d));
            if (n.compareTo(max) > 0) {
                throw new NumberException(Failure.RANGE);
            }
        }
        if (underscores && !underscoreOk(s0)) {
            throw new NumberException(Failure.SYNTAX);
        }
        return n;
    }

    private static long toLong(BigInteger value) throws NumberException {
        if (value.bitLength() > 63) {
            throw new NumberException(Failure.RANGE);
        }
        return value.longValue();
    }

    /** Go's {@code underscoreOK}: underscores only between digits (a base prefix counts as a digit). */
    private static boolean underscoreOk(String s) {
        char saw = '^';
        int i = 0;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            s = s.substring(1);
        }
        boolean hex = false;
        if (s.length() >= 2 && s.charAt(0) == '0') {
            char p = Character.toLowerCase(s.charAt(1));
            if (p == 'b' || p == 'o' || p == 'x') {
                i = 2;
                saw = '0';
                hex = p == 'x';
            }
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            char lower = Character.toLowerCase(c);
            if (c >= '0' && c <= '9' || hex && lower >= 'a' && lower <= 'f') {
                saw = '0';
                continue;
            }
            if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }
}
