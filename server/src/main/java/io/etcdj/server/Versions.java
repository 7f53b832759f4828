package io.etcdj.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The versions this build reports (from the filtered {@code version.properties}). */
public final class Versions {
    /** The etcd server version whose API etcdj implements: what clients see in Status and --version. */
    public static final String ETCD_VERSION;
    /** etcdj's own version. */
    public static final String ETCDJ_VERSION;

    static {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        ETCD_VERSION = p.getProperty("etcd.api.version", "3.4.23");
        ETCDJ_VERSION = p.getProperty("etcdj.version", "unknown");
    }

    private Versions() {
    }
}
