package io.etcdj.raft;

/** A proposal or read request the node cannot take now; the caller reports etcd's "no leader" or retries. */
public final class ProposalDroppedException extends RuntimeException {
    public ProposalDroppedException(String message) {
        super(message, null, false, false);
    }
}
