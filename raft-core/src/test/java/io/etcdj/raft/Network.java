package io.etcdj.raft;

import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A synchronous test network of {@link Raft} state machines (etcd raft's {@code network}): a message
 * sent is delivered at once, and everything it causes is delivered before {@link #send} returns.
 * Links can be cut, nodes isolated, and message types ignored. A {@code null} peer is a black hole
 * (a node that is down).
 */
final class Network {
    final TreeMap<Long, Raft> peers = new TreeMap<>();
    final Map<Long, MemoryRaftStorage> storage = new HashMap<>();
    private final Map<Long, Double> dropRates = new HashMap<>();
    private final Set<MessageType> ignored = new HashSet<>();
    private final SplittableRandom random = new SplittableRandom(42);

    /** Peers with IDs 1..n in the given order; a null entry is a black hole (a member that is down). */
    static Network of(Raft... rafts) {
        Network n = new Network();
        for (int i = 0; i < rafts.length; i++) {
            n.peers.put((long) i + 1, rafts[i]);
        }
        return n;
    }

    /** {@code count} fresh nodes (ids 1..count) that all know each other. */
    static Network fresh(int count, UnaryOperator<RaftConfig> configure) {
        Network n = new Network();
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = i + 1;
        }
        for (long id : ids) {
            MemoryRaftStorage s = RaftTestSupport.storageWith(ids, new long[0]);
            n.storage.put(id, s);
            n.peers.put(id, new Raft(configure.apply(RaftTestSupport.config(id, s, 10, 1))));
        }
        return n;
    }

    static Network fresh(int count) {
        return fresh(count, c -> c);
    }

    Raft peer(long id) {
        return peers.get(id);
    }

    void send(Message... msgs) {
        ArrayDeque<Message> queue = new ArrayDeque<>(List.of(msgs));
        while (!queue.isEmpty()) {
            Message m = queue.poll();
            Raft p = peers.get(m.getTo());
            if (p == null) {
                continue;
            }
            try {
                p.step(m);
            } catch (ProposalDroppedException e) {
                // a dropped proposal: nothing to deliver
            }
            queue.addAll(filter(RaftTestSupport.readMessages(p)));
        }
    }

    /** Drops every message from {@code from} to {@code to} with probability {@code rate}. */
    void drop(long from, long to, double rate) {
        dropRates.put(from << 32 | to, rate);
    }

    void cut(long a, long b) {
        drop(a, b, 1.0);
        drop(b, a, 1.0);
    }

    void isolate(long id) {
        for (long other : peers.keySet()) {
            if (other != id) {
                cut(id, other);
            }
        }
    }

    void ignore(MessageType type) {
        ignored.add(type);
    }

    void recover() {
        dropRates.clear();
        ignored.clear();
    }

    private List<Message> filter(List<Message> msgs) {
        List<Message> out = new ArrayList<>();
        for (Message m : msgs) {
            if (ignored.contains(m.getType())) {
                continue;
            }
            if (m.getType() == MessageType.MsgHup) {
                throw new IllegalStateException("unexpected MsgHup on the wire");
            }
            Double rate = dropRates.get(m.getFrom() << 32 | m.getTo());
            if (rate != null && random.nextDouble() < rate) {
                continue;
            }
            out.add(m);
        }
        return out;
    }
}
