package io.etcdj.transport.http.client;

/** Go's {@code strconv.ParseBool} and {@code strconv.ParseUint(s, 10, 64)}, which etcd's v2 API parses its fields with. */
final class GoStrconv {
    private GoStrconv() {
    }

    /** Thrown when Go's function would return an error. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String input) {
            super(input, null, false, false);
        }
    }

    /** "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"; nothing else. */
    static boolean parseBool(String s) throws SyntaxError {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new SyntaxError(s);
        };
    }

    /** Decimal digits only (no sign, no spaces), at most 2^64-1; returned as the same 64 bits. */
    static long parseUint64(String s) throws SyntaxError {
        if (s.isEmpty()) {
            throw new SyntaxError(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new SyntaxError(s);
            }
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new SyntaxError(s);
        }
    }
}
