package io.etcdj.store.lmdb;

import io.etcdj.spi.store.BackendProvider;
import io.etcdj.testkit.store.BackendContractTest;

/** The shared backend contract, run against the LMDB store. */
class LmdbBackendContractTest extends BackendContractTest {
    @Override
    protected BackendProvider provider() {
        return new LmdbBackendProvider();
    }
}
