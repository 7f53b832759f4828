/**
 * etcd's lessor: leases granted and revoked through Raft, their expiry tracked by the leader,
 * keep-alive renewals, and their persistence in the backend's {@code lease} bucket.
 */
module io.etcdj.lease {
    requires transitive io.etcdj.raft;

    exports io.etcdj.lease;
}
