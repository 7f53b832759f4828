package io.etcdj.testkit.store;

import io.etcdj.spi.store.ReadView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Turns store contents into lists of {@code "key=value"} hex strings, so a failed assertion shows
 * which entries differ, and builds the reference model the contract suite compares against.
 */
final class Entries {
    private static final HexFormat HEX = HexFormat.of();

    private Entries() {
    }

    /** The reference model: a map ordered by unsigned lexicographic byte order, like every backend. */
    static NavigableMap<byte[], byte[]> model() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    static String hex(byte[] bytes) {
        return bytes == null ? "null" : HEX.formatHex(bytes);
    }

    static String entry(byte[] key, byte[] value) {
        return hex(key) + "=" + hex(value);
    }

    /** The model's entries in its (unsigned) order. */
    static List<String> of(Map<byte[], byte[]> model) {
        List<String> out = new ArrayList<>(model.size());
        model.forEach((k, v) -> out.add(entry(k, v)));
        return out;
    }

    /** Every entry of {@code bucket} in {@code [from, to)}, in the order the view returned them. */
    static List<String> scan(ReadView view, String bucket, byte[] from, byte[] to) {
        List<String> out = new ArrayList<>();
        view.scan(bucket, from, to, (k, v) -> {
            out.add(entry(k, v));
            return true;
        });
        return out;
    }

    /** Every entry of {@code bucket}. */
    static List<String> scanAll(ReadView view, String bucket) {
        return scan(view, bucket, new byte[0], null);
    }
}
