/**
 * Shared test code for etcdj plugins: contract suites every plugin of an SPI runs against itself
 * ({@code io.etcdj.testkit.store.BackendContractTest}, {@code io.etcdj.testkit.PeerTransportContractTest})
 * and their helpers. This module is a test-scope dependency only; nothing in the server depends on it.
 */
module io.etcdj.testkit {
    requires transitive io.etcdj.raft;
    requires transitive org.junit.jupiter.api;

    exports io.etcdj.testkit;
    exports io.etcdj.testkit.peer;
    exports io.etcdj.testkit.store;
    // JUnit injects @TempDir fields and calls the suites' package-private lifecycle and test methods by reflection.
    opens io.etcdj.testkit to org.junit.platform.commons;
    opens io.etcdj.testkit.store to org.junit.platform.commons;

    // The suite checks that each plugin is registered for discovery the way the server finds it.
    uses io.etcdj.spi.store.BackendProvider;
}
