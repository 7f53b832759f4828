package io.etcdj.store.rocks;

import io.etcdj.spi.store.BackendProvider;
import io.etcdj.testkit.store.BackendContractTest;

/** The shared backend contract, run against the RocksDB store. */
class RocksBackendContractTest extends BackendContractTest {
    @Override
    protected BackendProvider provider() {
        return new RocksBackendProvider();
    }
}
