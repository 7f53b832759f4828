package io.etcdj.spi.store;

import io.etcdj.spi.NamedProvider;
import java.io.IOException;

/**
 * A storage backend plugin ({@code --store=NAME}). The backend holds the server's applied state
 * (MVCC key space, leases, auth, membership, the applied Raft index); the WAL, owned by the
 * server, is the durable record of everything not yet covered by a synced backend.
 */
public interface BackendProvider extends NamedProvider {
    /**
     * Opens the backend stored in {@code config.directory()}, creating it when absent. Every bucket
     * named in the config exists afterwards.
     *
     * @throws IOException when the files cannot be opened, or are corrupt (the message says which)
     */
    Backend open(BackendConfig config) throws IOException;
}
