package io.etcdj.wal;

import java.util.HexFormat;

/**
 * The name of a segment file, {@code %016x-%016x.wal}: the segment's sequence number and the raft
 * index just after the last one recorded before the segment was started (entry or snapshot mark).
 * Every entry of earlier segments that is still in effect has a lower index, which is what
 * {@link Wal#releaseTo} relies on.
 */
record SegmentName(long seq, long firstIndex) implements Comparable<SegmentName> {
    static final String SUFFIX = ".wal";
    /** Suffix of a segment being created; renamed to its final name once complete and synced. */
    static final String TEMP_SUFFIX = ".wal.tmp";
    private static final int HEX_DIGITS = 16;
    private static final int STEM_LENGTH = HEX_DIGITS + 1 + HEX_DIGITS;

    String fileName() {
        return stem() + SUFFIX;
    }

    String tempFileName() {
        return stem() + TEMP_SUFFIX;
    }

    private String stem() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(seq) + '-' + hex.toHexDigits(firstIndex);
    }

    /** The segment named {@code fileName}, or null if it is not exactly a segment name (lower-case hex). */
    static SegmentName parse(String fileName) {
        return parse(fileName, SUFFIX);
    }

    /** The segment whose temporary file is {@code fileName}, or null. */
    static SegmentName parseTemp(String fileName) {
        return parse(fileName, TEMP_SUFFIX);
    }

    private static SegmentName parse(String fileName, String suffix) {
        if (fileName.length() != STEM_LENGTH + suffix.length() || !fileName.endsWith(suffix)
                || fileName.charAt(HEX_DIGITS) != '-') {
            return null;
        }
        String seqHex = fileName.substring(0, HEX_DIGITS);
        String indexHex = fileName.substring(HEX_DIGITS + 1, STEM_LENGTH);
        if (!isLowerHex(seqHex) || !isLowerHex(indexHex)) {
            return null;
        }
        return new SegmentName(HexFormat.fromHexDigitsToLong(seqHex), HexFormat.fromHexDigitsToLong(indexHex));
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(SegmentName o) {
        return Long.compareUnsigned(seq, o.seq);
    }

    @Override
    public String toString() {
        return fileName();
    }
}
