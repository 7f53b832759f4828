package io.etcdj.server;

/** Who this member is: its ID and its cluster's, as etcd computes them at bootstrap and stores in the WAL. */
public record ServerIdentity(long memberId, long clusterId) {
    /** The WAL metadata: member ID then cluster ID, 8 bytes each, big-endian. */
    public byte[] toWalMetadata() {
        return java.nio.ByteBuffer.allocate(16).putLong(memberId).putLong(clusterId).array();
    }

    public static ServerIdentity fromWalMetadata(byte[] metadata) {
        if (metadata.length != 16) {
            throw new IllegalStateException("etcdserver: WAL metadata has " + metadata.length
                    + " bytes, want 16 (member ID, cluster ID): not an etcdj WAL?");
        }
        var b = java.nio.ByteBuffer.wrap(metadata);
        return new ServerIdentity(b.getLong(), b.getLong());
    }
}
