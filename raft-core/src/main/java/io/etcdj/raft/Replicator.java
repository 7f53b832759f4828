package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.raft.tracker.Progress;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The leader's log shipping: appends (bounded by MaxSizePerMsg bytes each and by the in-flight
 * window per follower), snapshots for followers that need compacted entries, and heartbeats.
 */
final class Replicator {
    private final Raft r;

    Replicator(Raft r) {
        this.r = r;
    }

    /** Sends an append to {@code to}, even an empty one (it still carries the commit index). */
    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /**
     * Sends the next append (or a snapshot) to {@code to} unless its progress is paused. With
     * {@code sendIfEmpty} false, nothing is sent when there are no new entries (used when sending
     * several appends in a row). Returns whether a message was sent.
     */
    boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = r.tracker.progress(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = r.log.termOrUnknown(prevIndex);
        List<Entry> entries;
        try {
            entries = prevTerm == RaftLog.UNKNOWN_TERM ? null : r.log.entriesFrom(pr.next(), r.maxSizePerMsg);
        } catch (RaftStorage.CompactedException e) {
            entries = null;
        }
        if (entries != null && entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        if (entries == null) {
            return !sendIfEmpty ? false : sendSnapshot(to, pr);
        }
        var m = Raft.msg(MessageType.MsgApp, to).setIndex(prevIndex).setLogTerm(prevTerm).addAllEntries(entries)
                .setCommit(r.log.committed);
        if (!entries.isEmpty()) {
            long last = entries.get(entries.size() - 1).getIndex();
            switch (pr.state()) {
                case REPLICATE -> {
                    pr.optimisticUpdate(last);
                    pr.inflights().add(last);
                }
                case PROBE -> pr.setProbeSent(true);
                case SNAPSHOT -> throw new IllegalStateException("raft: " + Raft.hex(r.id)
                        + " is sending append in unhandled state " + pr.state());
            }
        }
        r.send(m);
        return true;
    }

    /** The entries {@code to} needs are compacted: send the latest snapshot instead. */
    private boolean sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            // A snapshot is expensive: do not send one to a member that may well be down.
            r.logger.log(Level.DEBUG, () -> "ignore sending snapshot to " + Raft.hex(to) + " since it is not recently active");
            return false;
        }
        Snapshot snapshot = r.log.snapshot();
        long sindex = snapshot.getMetadata().getIndex();
        if (sindex == 0) {
            // The driver compacted the log without recording a snapshot of it: nothing to send.
            r.logger.log(Level.WARNING, () -> Raft.hex(r.id) + " needs to send a snapshot to " + Raft.hex(to)
                    + " but the storage has none (compacted without snapshot?)");
            return false;
        }
        r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " [firstindex: " + r.log.firstIndex() + ", commit: "
                + r.log.committed + "] sent snapshot[index: " + sindex + ", term: " + snapshot.getMetadata().getTerm()
                + "] to " + Raft.hex(to) + " [" + pr + "]");
        pr.becomeSnapshot(sindex);
        r.send(Raft.msg(MessageType.MsgSnap, to).setSnapshot(snapshot));
        return true;
    }

    void bcastAppend() {
        r.tracker.forEach((id, pr) -> {
            if (id != r.id) {
                sendAppend(id);
            }
        });
    }

    /** Heartbeats to everyone; while reads wait, they carry the latest read round. */
    void bcastHeartbeat() {
        long round = r.reads.roundToConfirm();
        bcastHeartbeat(round == 0 ? ByteString.EMPTY : ReadIndexRounds.encode(round));
    }

    void bcastHeartbeat(ByteString context) {
        r.tracker.forEach((id, pr) -> {
            if (id != r.id) {
                // Never tell a follower to commit beyond what it is known to hold.
                long commit = Math.min(pr.match(), r.log.committed);
                r.send(Raft.msg(MessageType.MsgHeartbeat, id).setCommit(commit).setContext(context));
            }
        });
    }
}
