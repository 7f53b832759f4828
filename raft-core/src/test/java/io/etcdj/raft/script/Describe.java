package io.etcdj.raft.script;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.raft.RaftRole;
import io.etcdj.raft.RaftStatus;
import io.etcdj.raft.Ready;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The compact, deterministic text form of Raft values in transcripts, after etcd raft's
 * {@code DescribeReady}, {@code DescribeMessage} and {@code DescribeEntry}: an entry is
 * {@code term/index Type data}, a message {@code from->to Type Term:t Log:logTerm/index ...}.
 */
final class Describe {
    private Describe() {
    }

    static String ready(Ready rd) {
        StringBuilder sb = new StringBuilder();
        if (rd.softState() != null) {
            sb.append("Lead:").append(rd.softState().leader()).append(" State:").append(role(rd.softState().role())).append('\n');
        }
        if (rd.hardState() != null) {
            sb.append("HardState ").append(hardState(rd.hardState())).append('\n');
        }
        for (Ready.ReadState rs : rd.readStates()) {
            sb.append("ReadState Index:").append(rs.index()).append(" Context:").append(quote(rs.context())).append('\n');
        }
        if (!rd.entries().isEmpty()) {
            sb.append("Entries:\n").append(entries(rd.entries()));
        }
        if (rd.snapshot() != null) {
            sb.append("Snapshot ").append(snapshot(rd.snapshot())).append('\n');
        }
        if (!rd.committedEntries().isEmpty()) {
            sb.append("CommittedEntries:\n").append(entries(rd.committedEntries()));
        }
        if (!rd.messages().isEmpty()) {
            sb.append("Messages:\n");
            for (Message m : rd.messages()) {
                sb.append(message(m)).append('\n');
            }
        }
        return sb.isEmpty() ? "<empty Ready>" : "Ready MustSync=" + rd.mustSync() + ":\n" + sb;
    }

    static String role(RaftRole role) {
        return switch (role) {
            case FOLLOWER -> "StateFollower";
            case PRE_CANDIDATE -> "StatePreCandidate";
            case CANDIDATE -> "StateCandidate";
            case LEADER -> "StateLeader";
        };
    }

    static String hardState(HardState hs) {
        return "Term:" + hs.getTerm() + (hs.getVote() != 0 ? " Vote:" + hs.getVote() : "") + " Commit:" + hs.getCommit();
    }

    static String message(Message m) {
        StringBuilder sb = new StringBuilder();
        sb.append(Long.toHexString(m.getFrom())).append("->").append(Long.toHexString(m.getTo())).append(' ')
                .append(m.getType()).append(" Term:").append(m.getTerm())
                .append(" Log:").append(m.getLogTerm()).append('/').append(m.getIndex());
        if (m.getReject()) {
            sb.append(" Rejected (Hint: ").append(m.getRejectHint()).append(')');
        }
        if (m.getCommit() != 0) {
            sb.append(" Commit:").append(m.getCommit());
        }
        if (m.getEntriesCount() > 0) {
            sb.append(" Entries:[").append(m.getEntriesList().stream().map(Describe::entry).collect(Collectors.joining(", ")))
                    .append(']');
        }
        if (m.hasSnapshot() && !m.getSnapshot().equals(Snapshot.getDefaultInstance())) {
            sb.append(" Snapshot: ").append(snapshot(m.getSnapshot()));
        }
        if (!m.getContext().isEmpty()) {
            sb.append(" Context:").append(context(m.getContext()));
        }
        return sb.toString();
    }

    static String entries(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(entry(e)).append('\n');
        }
        return sb.toString();
    }

    static String entry(Entry e) {
        String data = switch (e.getType()) {
            case EntryNormal -> quote(e.getData().toByteArray());
            case EntryConfChange -> confChange(e.getData());
            default -> e.getType() + " (unsupported)";
        };
        return e.getTerm() + "/" + e.getIndex() + " " + e.getType() + " " + data;
    }

    /** As etcd's ConfChangesToString: v(oter), l(earner), r(emove), u(pdate) followed by the node ID. */
    static String confChange(ByteString data) {
        try {
            ConfChange cc = ConfChange.parseFrom(data);
            String kind = switch (cc.getType()) {
                case ConfChangeAddNode -> "v";
                case ConfChangeAddLearnerNode -> "l";
                case ConfChangeRemoveNode -> "r";
                case ConfChangeUpdateNode -> "u";
                case UNRECOGNIZED -> "?";
            };
            return kind + cc.getNodeId();
        } catch (InvalidProtocolBufferException e) {
            return "<malformed conf change: " + e.getMessage() + ">";
        }
    }

    static String snapshot(Snapshot s) {
        var md = s.getMetadata();
        return "Index:" + md.getIndex() + " Term:" + md.getTerm() + " ConfState:" + confState(md.getConfState())
                + (s.getData().isEmpty() ? "" : " Data:" + quote(s.getData().toByteArray()));
    }

    static String confState(ConfState cs) {
        return "Voters:" + ids(cs.getVotersList()) + " Learners:" + ids(cs.getLearnersList());
    }

    static String ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(" ", "(", ")"));
    }

    /** The peer's replication state as etcd prints a Progress. */
    static String progress(RaftStatus.PeerProgress p) {
        return p.state() + " match=" + p.match() + " next=" + p.next() + (p.learner() ? " learner" : "")
                + (p.paused() ? " paused" : "") + (p.recentActive() ? "" : " inactive")
                + (p.inflight() > 0 ? " inflight=" + p.inflight() : "");
    }

    /** Printable ASCII as a quoted string, anything else (such as a binary read round) as hex. */
    static String context(ByteString ctx) {
        byte[] b = ctx.toByteArray();
        for (byte x : b) {
            if (x < 0x20 || x > 0x7e) {
                StringBuilder hex = new StringBuilder("0x");
                for (byte y : b) {
                    hex.append(String.format("%02x", y & 0xff));
                }
                return hex.toString();
            }
        }
        return quote(b);
    }

    /** Go's %q for bytes: double quotes, backslash escapes, \xNN for anything not printable ASCII. */
    static String quote(byte[] data) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : data) {
            int c = x & 0xff;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
