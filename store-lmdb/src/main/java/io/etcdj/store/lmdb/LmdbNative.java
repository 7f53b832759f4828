package io.etcdj.store.lmdb;

import java.io.IOException;

/**
 * Explains a failure to initialise lmdbjava, which surfaces only as a linkage error: either the
 * LMDB library did not load or jnr-ffi (which binds it) is missing classes.
 */
final class LmdbNative {
    /** lmdbjava loads the library at this path instead of extracting its bundled copy. */
    static final String LIBRARY_PROPERTY = "lmdbjava.native.lib";

    private LmdbNative() {
    }

    static IOException notLoaded(LinkageError e) {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        String library = configured != null
                ? "-D" + LIBRARY_PROPERTY + "=" + configured + " must name a loadable LMDB library"
                : "set -D" + LIBRARY_PROPERTY + "=/path/to/liblmdb.so (the etcdj image ships it in lib/),"
                        + " or put the org.lmdbjava:native jar on the class path";
        return new IOException("lmdb store: cannot initialise lmdbjava: " + rootCause(e) + ". The LMDB library: "
                + library + "; jnr-ffi needs its jars (jnr-ffi, jffi, jffi native, ASM) on the module path", e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
