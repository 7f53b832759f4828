package io.etcdj.raft.sim;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.raft.ProposalDroppedException;
import io.etcdj.raft.RaftRole;
import io.etcdj.raft.RawNode;
import io.etcdj.raft.SnapshotStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A deterministic simulation of a Raft group (after TigerBeetle's VOPR and FoundationDB's
 * simulator): real {@link RawNode}s in one thread, a virtual clock, a network that delays, drops,
 * duplicates, reorders and partitions (symmetric and one-way) messages, disks that lose unsynced
 * writes on a crash, clients that write and read, and membership changes. Everything — the fault
 * rates included — comes from one seed, so a failure replays from its seed alone.
 *
 * <p>A run: faults for {@link FaultProfile#faultPhaseMs()}, with the {@link SafetyChecker} checking
 * after every event; then the network heals (no more loss, duplication, partitions or reordering),
 * crashed nodes restart, clients stop writing, and within {@link #LIVENESS_BOUND_TICKS} ticks (plus a
 * few per entry of backlog) a leader must be elected and a new proposal applied by every member.
 */
public final class Simulation {
    /**
     * Ticks after healing within which a new proposal must be applied by every member, plus
     * {@link #TICKS_PER_BACKLOG_ENTRY} per entry of backlog: with one entry per append and one
     * append in flight, each entry costs a round trip (at most 3.4 ticks on the simulated network).
     */
    static final int LIVENESS_BOUND_TICKS = 200;
    static final int TICKS_PER_BACKLOG_ENTRY = 4;
    private static final long TICK_MS = 100;
    private static final int SPARE_NODES = 2;
    /** -Draft.sim.trace=true prints the cluster's state every virtual second after healing. */
    private static final boolean TRACE = Boolean.getBoolean("raft.sim.trace");

    /**
     * What to simulate.
     *
     * @param voters    initial voters (ids 1..voters); {@value #SPARE_NODES} spare ids may join later
     * @param coreBug   the name of a deliberate core defect to switch on (see io.etcdj.raft.InjectedBug), or null
     * @param driverBug a deliberate driver defect
     */
    public record Options(int voters, String coreBug, SimNode.DriverBug driverBug) {
        public static Options of(int voters) {
            return new Options(voters, null, SimNode.DriverBug.NONE);
        }
    }

    /** What a passing run did, for the summary. */
    public record Result(long seed, long events, long virtualMs, long maxTerm, long committed, int crashes,
                         int partitions, int pauses, long messages, long dropped, int snapshotsSent,
                         int snapshotsInstalled, int confChanges, int transfers, long readsAnswered) {
    }

    private record Event(long time, long seq, Runnable action) {
    }

    private final long seed;
    private final Options options;
    private final SplittableRandom random;
    private final FaultProfile profile;
    private final SafetyChecker checker;
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    private final List<Long> spares = new ArrayList<>();
    /** Blocked directed links, as from << 32 | to. */
    private final Set<Long> blocked = new HashSet<>();
    /** After healing: the last delivery time per link, to keep each link in order. */
    private final Map<Long, Long> lastDelivery = new HashMap<>();
    private final Map<ByteString, Long> readFloors = new HashMap<>();
    /** Writes proposed and not applied anywhere yet, with when their client gives up, oldest first. */
    private final java.util.LinkedHashMap<ByteString, Long> waitingWrites = new java.util.LinkedHashMap<>();
    private long now;
    private long seq;
    private boolean faultsOn = true;
    private int partitionId;
    private long healedAt = -1;
    /** Entries some live node held beyond what another had committed, when the network healed. */
    private long backlogAtHeal;
    private long markerTerm = -1;
    private long markerProposedAt;
    private boolean live;
    private long clientCounter;

    private long eventCount;
    private long maxTerm;
    private int crashes;
    private int partitions;
    private int pauses;
    private long messages;
    private long dropped;
    private int snapshotsSent;
    private int confChanges;
    private int transfers;
    private long readsAnswered;
    private int snapshotsInstalled;

    private Simulation(long seed, Options options) {
        this.seed = seed;
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.profile = FaultProfile.draw(random, options.voters() + SPARE_NODES);
        this.checker = new SafetyChecker(seed);
    }

    /**
     * Runs one seed.
     *
     * @throws SafetyViolation when a safety or liveness property breaks, or the core throws
     */
    public static Result run(long seed, Options options) {
        return new Simulation(seed, options).run();
    }

    /** The fault profile a seed draws (for the failure report). */
    public static String describe(long seed, Options options) {
        return FaultProfile.draw(new SplittableRandom(seed), options.voters() + SPARE_NODES).describe();
    }

    private Result run() {
        SimNode.Environment env = new SimNode.Environment() {
            @Override
            public void send(Message m) {
                Simulation.this.send(m);
            }

            @Override
            public SafetyChecker checker() {
                return checker;
            }

            @Override
            public long readFloor(byte[] context) {
                Long floor = readFloors.get(ByteString.copyFrom(context));
                return floor == null ? -1 : floor;
            }

            @Override
            public void readAnswered() {
                readsAnswered++;
            }

            @Override
            public void snapshotInstalled() {
                snapshotsInstalled++;
            }

            @Override
            public void applied(io.etcdj.api.raftpb.Entry e) {
                if (!waitingWrites.isEmpty()) {
                    waitingWrites.remove(e.getData());
                }
            }
        };
        List<ConfChange> members = new ArrayList<>();
        for (long id = 1; id <= options.voters(); id++) {
            members.add(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(id).build());
        }
        for (long id = 1; id <= options.voters() + SPARE_NODES; id++) {
            nodes.put(id, new SimNode(id, profile, env, options.coreBug(), options.driverBug()));
            if (id > options.voters()) {
                spares.add(id);
            }
        }
        try {
            for (long id = 1; id <= options.voters(); id++) {
                SimNode n = nodes.get(id);
                n.start(random, members);
                scheduleTick(n, random.nextInt((int) TICK_MS));
            }
            at(FaultProfile.FAULT_STEP_MS, this::faultStep);
            scheduleProposal();
            scheduleRead();
            at(profile.faultPhaseMs(), this::heal);
            while (!live) {
                Event e = events.poll();
                if (e == null) {
                    throw new IllegalStateException("no more events");
                }
                now = e.time();
                eventCount++;
                e.action().run();
            }
        } catch (SafetyViolation v) {
            throw v;
        } catch (RuntimeException e) {
            throw new SafetyViolation(seed, "core exception", e.toString() + " at " + now + " ms", e);
        }
        return new Result(seed, eventCount, now, maxTerm, checker.maxCommitted(), crashes, partitions, pauses, messages,
                dropped, snapshotsSent, snapshotsInstalled, confChanges, transfers, readsAnswered);
    }

    private void at(long time, Runnable action) {
        events.add(new Event(time, seq++, action));
    }

    private long tickPeriod(SimNode n) {
        return profile.tickPeriodsMs()[(int) (n.id - 1)];
    }

    private void scheduleTick(SimNode n, long delay) {
        int life = n.incarnation();
        at(now + delay, () -> {
            if (n.alive() && n.incarnation() == life) {
                if (n.pausedUntil() > now) {
                    scheduleTick(n, n.pausedUntil() - now);  // a stalled process does not see time pass
                    return;
                }
                act(n, RawNode::tick);
                scheduleTick(n, tickPeriod(n));
            }
        });
    }

    /** Feeds an input to a node, then checks what holds after every step. */
    private void act(SimNode n, Consumer<RawNode> input) {
        n.act(input);
        RawNode rn = n.node();
        maxTerm = Math.max(maxTerm, rn.term());
        if (rn.role() == RaftRole.LEADER) {
            checker.onLeader(n.id, rn.term());
        }
    }

    // ---- network

    private void send(Message m) {
        messages++;
        SimNode sender = nodes.get(m.getFrom());
        int senderLife = sender.incarnation();
        if (m.getType() == MessageType.MsgSnap) {
            snapshotsSent++;
        }
        int copies = 1;
        if (faultsOn) {
            if (blocked.contains(link(m.getFrom(), m.getTo()))) {
                dropped++;
                // The transport notices a broken connection (not always at once).
                if (random.nextBoolean()) {
                    report(sender, senderLife, rn -> rn.reportUnreachable(m.getTo()));
                }
                failSnapshot(m, sender, senderLife);
                return;
            }
            if (random.nextDouble() < profile.dropRate()) {
                dropped++;
                failSnapshot(m, sender, senderLife);
                return;
            }
            if (random.nextDouble() < profile.duplicateRate()) {
                copies = 2;
            }
        }
        for (int i = 0; i < copies; i++) {
            long when = now + delay();
            if (!faultsOn) {
                // Healed links deliver in order, like the TCP streams of a real transport.
                when = Math.max(when, lastDelivery.getOrDefault(link(m.getFrom(), m.getTo()), 0L));
                lastDelivery.put(link(m.getFrom(), m.getTo()), when);
            }
            at(when, () -> deliver(m, sender, senderLife));
        }
    }

    private long delay() {
        long d = profile.minDelayMs() + random.nextInt(profile.jitterMs() + 1);
        if (faultsOn && random.nextDouble() < profile.tailRate()) {
            d += random.nextInt(profile.tailMs());
        }
        return d;
    }

    private void deliver(Message m, SimNode sender, int senderLife) {
        SimNode to = nodes.get(m.getTo());
        if (to == null || !to.alive()) {
            failSnapshot(m, sender, senderLife);
            return;
        }
        if (to.pausedUntil() > now) {
            // Queued in the socket until the process runs again (the order within the backlog is kept).
            at(to.pausedUntil(), () -> deliver(m, sender, senderLife));
            return;
        }
        act(to, rn -> rn.step(m));
        if (m.getType() == MessageType.MsgSnap) {
            report(sender, senderLife, rn -> rn.reportSnapshot(m.getTo(), SnapshotStatus.FINISHED));
        }
    }

    private void failSnapshot(Message m, SimNode sender, int senderLife) {
        if (m.getType() == MessageType.MsgSnap) {
            report(sender, senderLife, rn -> rn.reportSnapshot(m.getTo(), SnapshotStatus.FAILED));
        }
    }

    /** A transport report reaches the sender a little later, if it is still the same process. */
    private void report(SimNode sender, int senderLife, Consumer<RawNode> report) {
        at(now + 1 + random.nextInt(50), () -> {
            if (sender.alive() && sender.incarnation() == senderLife) {
                act(sender, report);
            }
        });
    }

    private static long link(long from, long to) {
        return from << 32 | to;
    }

    // ---- faults

    private void faultStep() {
        if (!faultsOn) {
            return;
        }
        List<SimNode> started = startedNodes();
        if (blocked.isEmpty() && random.nextDouble() < profile.partitionRate()) {
            partition(started);
        }
        if (random.nextDouble() < profile.crashRate()) {
            List<SimNode> up = started.stream().filter(SimNode::alive).toList();
            if (!up.isEmpty()) {
                SimNode victim = up.get(random.nextInt(up.size()));
                victim.crash(random);
                crashes++;
                at(now + 100 + random.nextInt(profile.maxDowntimeMs()), () -> restart(victim));
            }
        }
        if (random.nextDouble() < profile.pauseRate()) {
            List<SimNode> up = started.stream().filter(SimNode::alive).toList();
            if (!up.isEmpty()) {
                up.get(random.nextInt(up.size())).pauseUntil(now + 100 + random.nextInt(3000));
                pauses++;
            }
        }
        if (profile.membershipChanges() && random.nextDouble() < 0.03) {
            changeMembership();
        }
        if (random.nextDouble() < profile.transferRate()) {
            transferLeadership();
        }
        at(now + FaultProfile.FAULT_STEP_MS, this::faultStep);
    }

    private List<SimNode> startedNodes() {
        return nodes.values().stream().filter(n -> !spares.contains(n.id)).toList();
    }

    private void partition(List<SimNode> started) {
        partitions++;
        int id = ++partitionId;
        List<Long> ids = started.stream().map(n -> n.id).toList();
        long victim = ids.get(random.nextInt(ids.size()));
        switch (random.nextInt(4)) {
            case 0 -> {  // isolate one node both ways
                for (long other : ids) {
                    if (other != victim) {
                        blocked.add(link(victim, other));
                        blocked.add(link(other, victim));
                    }
                }
            }
            case 1 -> {  // split into two random sides
                Set<Long> side = new HashSet<>();
                for (long n : ids) {
                    if (random.nextBoolean()) {
                        side.add(n);
                    }
                }
                for (long a : ids) {
                    for (long b : ids) {
                        if (side.contains(a) != side.contains(b)) {
                            blocked.add(link(a, b));
                        }
                    }
                }
            }
            case 2 -> {  // one way: the victim cannot send (it still hears everyone)
                for (long other : ids) {
                    if (other != victim) {
                        blocked.add(link(victim, other));
                    }
                }
            }
            default -> {  // one way: the victim cannot hear (its messages still go out)
                for (long other : ids) {
                    if (other != victim) {
                        blocked.add(link(other, victim));
                    }
                }
            }
        }
        at(now + 200 + random.nextInt(3000), () -> {
            if (partitionId == id) {
                blocked.clear();
            }
        });
    }

    private void restart(SimNode n) {
        if (n.alive()) {
            return;
        }
        n.start(random, null);
        act(n, rn -> {
        });
        scheduleTick(n, random.nextInt((int) tickPeriod(n)));
    }

    private SimNode currentLeader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.alive() && n.node().role() == RaftRole.LEADER
                    && (best == null || n.node().term() > best.node().term())) {
                best = n;
            }
        }
        return best;
    }

    /** One membership step on the leader: promote a learner, else add a spare as learner, else remove a voter. */
    private void changeMembership() {
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        ConfState cs = leader.node().confState();
        ConfChange cc;
        if (cs.getLearnersCount() > 0) {
            cc = change(ConfChangeType.ConfChangeAddNode, cs.getLearners(0));
        } else if (!spares.isEmpty() && random.nextBoolean()) {
            SimNode spare = nodes.get(spares.remove(0));
            spare.start(random, null);
            scheduleTick(spare, random.nextInt((int) tickPeriod(spare)));
            cc = change(ConfChangeType.ConfChangeAddLearnerNode, spare.id);
        } else if (cs.getVotersCount() > 3) {
            cc = change(ConfChangeType.ConfChangeRemoveNode, cs.getVoters(random.nextInt(cs.getVotersCount())));
        } else {
            return;
        }
        confChanges++;
        act(leader, rn -> {
            try {
                rn.proposeConfChange(cc);
            } catch (ProposalDroppedException e) {
                // another change is pending; try again later
            }
        });
    }

    /** The leader hands leadership to a random voter (possibly one that is down or lagging). */
    private void transferLeadership() {
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        List<Long> voters = leader.node().confState().getVotersList();
        long transferee = voters.get(random.nextInt(voters.size()));
        transfers++;
        act(leader, rn -> rn.transferLeadership(transferee));
    }

    private static ConfChange change(ConfChangeType type, long node) {
        return ConfChange.newBuilder().setType(type).setNodeId(node).build();
    }

    // ---- clients

    private SimNode randomLiveNode() {
        List<SimNode> up = nodes.values().stream().filter(SimNode::alive).toList();
        return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
    }

    private long gap(double perSecond) {
        return 1 + (long) (-Math.log(1 - random.nextDouble()) * 1000 / perSecond);
    }

    private void scheduleProposal() {
        at(now + gap(profile.proposalsPerSecond()), () -> {
            // Clients wait for their writes (up to a timeout, as etcd's request timeout), so a
            // group slower than the offered load sees fewer proposals rather than an unbounded backlog.
            for (var it = waitingWrites.entrySet().iterator(); it.hasNext(); ) {
                if (it.next().getValue() > now) {
                    break;
                }
                it.remove();
            }
            SimNode n = randomLiveNode();
            if (!faultsOn) {
                return;  // after healing only the liveness probe writes
            }
            if (n != null && waitingWrites.size() < profile.maxWaitingWrites()) {
                byte[] data = payload((byte) 'D', random.nextInt(profile.maxPayloadBytes() + 1));
                waitingWrites.put(ByteString.copyFrom(data), now + 5000);
                act(n, rn -> {
                    try {
                        rn.propose(data);
                    } catch (ProposalDroppedException e) {
                        // the client retries elsewhere; nothing to check
                    }
                });
            }
            scheduleProposal();
        });
    }

    private void scheduleRead() {
        if (profile.readsPerSecond() < 0.01) {
            return;
        }
        at(now + gap(profile.readsPerSecond()), () -> {
            SimNode n = randomLiveNode();
            if (n != null) {
                byte[] ctx = payload((byte) 'R', 0);
                readFloors.put(ByteString.copyFrom(ctx), checker.maxCommitted());
                act(n, rn -> {
                    try {
                        rn.readIndex(ctx);
                    } catch (ProposalDroppedException e) {
                        // no leader known: the client retries
                    }
                });
            }
            scheduleRead();
        });
    }

    private byte[] payload(byte tag, int padding) {
        return ByteBuffer.allocate(9 + padding).put(tag).putLong(++clientCounter).array();
    }

    // ---- heal and liveness

    private void heal() {
        faultsOn = false;
        blocked.clear();
        healedAt = now;
        long maxLast = 0;
        long minCommit = Long.MAX_VALUE;
        for (SimNode n : nodes.values()) {
            if (n.alive()) {
                maxLast = Math.max(maxLast, n.node().lastIndex());
                minCommit = Math.min(minCommit, n.node().committedIndex());
            }
        }
        backlogAtHeal = minCommit == Long.MAX_VALUE ? 0 : Math.max(0, maxLast - minCommit);
        for (SimNode n : nodes.values()) {
            n.pauseUntil(0);
        }
        for (SimNode n : startedNodes()) {
            if (!n.alive() && !spares.contains(n.id)) {
                restart(n);
            }
        }
        at(now + TICK_MS, this::checkLiveness);
    }

    private void checkLiveness() {
        if (TRACE && (now - healedAt) % 1000 < TICK_MS) {
            System.err.println("[sim] t=" + now + " ms (healed at " + healedAt + "): " + clusterState());
        }
        SimNode leader = currentLeader();
        if (leader != null) {
            RawNode rn = leader.node();
            if (markerTerm != rn.term() || now - markerProposedAt > 3000) {
                act(leader, node -> {
                    try {
                        node.propose(payload(SimStateMachine.MARKER_TAG, 0));
                        markerTerm = node.term();
                        markerProposedAt = now;
                    } catch (ProposalDroppedException e) {
                        // a transfer in progress: retry at the next check
                    }
                });
            }
            if (allMembersSawMarker(leader.node().confState())) {
                live = true;
                return;
            }
        }
        long slowestTickMs = 0;
        for (int p : profile.tickPeriodsMs()) {
            slowestTickMs = Math.max(slowestTickMs, p);
        }
        long boundTicks = LIVENESS_BOUND_TICKS + TICKS_PER_BACKLOG_ENTRY * backlogAtHeal;
        if (now - healedAt > boundTicks * slowestTickMs) {
            throw new SafetyViolation(seed, "liveness", "no new proposal applied by every member within "
                    + boundTicks + " ticks after healing (backlog " + backlogAtHeal + " entries); " + clusterState(), null);
        }
        at(now + TICK_MS, this::checkLiveness);
    }

    private boolean allMembersSawMarker(ConfState cs) {
        List<Long> members = new ArrayList<>(cs.getVotersList());
        members.addAll(cs.getLearnersList());
        for (long id : members) {
            SimNode n = nodes.get(id);
            if (n == null || !n.alive() || !n.stateMachine().markerSeen()) {
                return false;
            }
        }
        return true;
    }

    private String clusterState() {
        StringBuilder sb = new StringBuilder();
        for (SimNode n : nodes.values()) {
            if (n.alive()) {
                RawNode rn = n.node();
                sb.append(n.id).append('=').append(rn.role()).append("@").append(rn.term()).append(" commit=")
                        .append(rn.committedIndex()).append(" applied=").append(rn.appliedIndex()).append(" last=")
                        .append(rn.lastIndex()).append(" lead=").append(rn.leader()).append(" conf=")
                        .append(rn.confState().getVotersList()).append('/').append(rn.confState().getLearnersList())
                        .append("; ");
            } else {
                sb.append(n.id).append("=down; ");
            }
        }
        return sb.toString();
    }
}
