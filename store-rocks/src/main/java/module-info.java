/**
 * The RocksDB storage backend ({@code --store=rocks}, the default). See
 * {@link io.etcdj.store.rocks.RocksBackendProvider} for its settings.
 */
module io.etcdj.store.rocks {
    requires io.etcdj.raft;
    requires rocksdbjni;

    // Only the server's ServiceLoader reaches this module; it exports no API of its own.
    provides io.etcdj.spi.store.BackendProvider with io.etcdj.store.rocks.RocksBackendProvider;
}
