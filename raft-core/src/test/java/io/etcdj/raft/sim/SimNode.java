package io.etcdj.raft.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.raft.MemoryRaftStorage;
import io.etcdj.raft.RaftConfig;
import io.etcdj.raft.RaftRole;
import io.etcdj.raft.RawNode;
import io.etcdj.raft.Ready;
import io.etcdj.raft.TestHooks;
import io.etcdj.raft.TestLoggers;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One simulated member: a real {@link RawNode} over a {@link MemoryRaftStorage}, a {@link SimDisk}
 * and a {@link SimStateMachine}, and the driver that processes each {@link Ready} exactly as the
 * server's RaftLoop does: persist (fsync when asked), send, apply, advance — plus snapshots and log
 * compaction every few entries.
 */
final class SimNode {
    /** Hooks into the rest of the simulation. */
    interface Environment {
        void send(Message m);

        SafetyChecker checker();

        /** The lowest index a read with this context may be answered with, or -1 when unknown. */
        long readFloor(byte[] context);

        /** A read was answered (for the run's statistics). */
        void readAnswered();

        /** A snapshot from the leader was installed (for the run's statistics). */
        void snapshotInstalled();

        /** A node applied a committed entry (its proposer may stop waiting). */
        void applied(Entry e);
    }

    /** The driver defect to simulate, if any. */
    enum DriverBug {
        NONE,
        /** Never fsyncs: acknowledgments go out for writes a crash can still lose. */
        SKIP_FSYNC
    }

    final long id;
    final SimDisk disk = new SimDisk();
    private final FaultProfile profile;
    private final Environment env;
    private final String coreBug;
    private final DriverBug driverBug;

    private MemoryRaftStorage storage;
    private RawNode node;
    private SimStateMachine sm;
    private boolean alive;
    /** Bumped on every crash, so events scheduled for an earlier life are ignored. */
    private int incarnation;
    private long snapshotIndex;
    /** Virtual time until which the process is stalled (0: running). */
    private long pausedUntil;

    SimNode(long id, FaultProfile profile, Environment env, String coreBug, DriverBug driverBug) {
        this.id = id;
        this.profile = profile;
        this.env = env;
        this.coreBug = coreBug;
        this.driverBug = driverBug;
    }

    boolean alive() {
        return alive;
    }

    int incarnation() {
        return incarnation;
    }

    long pausedUntil() {
        return pausedUntil;
    }

    void pauseUntil(long time) {
        pausedUntil = time;
    }

    RawNode node() {
        return node;
    }

    SimStateMachine stateMachine() {
        return sm;
    }

    /** Starts on the disk's content (empty for a new member). */
    void start(SplittableRandom random, List<ConfChange> bootstrap) {
        storage = disk.load();
        Snapshot snap = disk.snapshot();
        snapshotIndex = snap == null ? 0 : snap.getMetadata().getIndex();
        sm = new SimStateMachine();
        if (snap != null) {
            sm.restore(snap.getData().toByteArray(), snapshotIndex);
        }
        RaftConfig config = new RaftConfig(id, storage, snapshotIndex, profile.electionTicks(), profile.heartbeatTicks(),
                profile.maxCommittedBytes(), new SplittableRandom(random.nextLong()), TestLoggers.forNode(id),
                profile.preVote(), profile.checkQuorum(), profile.maxSizePerMsg(), profile.maxInflightMsgs());
        node = new RawNode(config);
        if (coreBug != null) {
            TestHooks.injectBug(node, coreBug);
        }
        if (bootstrap != null) {
            node.bootstrap(bootstrap);
        }
        alive = true;
        drain();
    }

    /** Loses the process and whatever the disk had not synced. Returns the writes lost. */
    int crash(SplittableRandom random) {
        alive = false;
        incarnation++;
        node = null;
        storage = null;
        sm = null;
        return disk.crash(random);
    }

    /** Runs an input against the node, then processes every Ready it produces. */
    void act(Consumer<RawNode> input) {
        input.accept(node);
        drain();
    }

    private void drain() {
        SafetyChecker checker = env.checker();
        while (node.hasReady()) {
            Ready rd = node.ready();
            // 1. Persist: snapshot, entries and hard state; fsync when asked.
            if (rd.snapshot() != null) {
                disk.installSnapshot(rd.snapshot());
            }
            if (rd.hardState() != null || !rd.entries().isEmpty()) {
                disk.save(rd.hardState(), rd.entries());
            }
            if (rd.mustSync() && driverBug != DriverBug.SKIP_FSYNC) {
                disk.sync();
            }
            if (rd.snapshot() != null) {
                storage.applySnapshot(rd.snapshot());
            }
            storage.append(rd.entries());
            if (rd.hardState() != null) {
                storage.setHardState(rd.hardState());
            }
            checker.onPersisted(id, storage, rd.entries());
            if (rd.softState() != null && rd.softState().role() == RaftRole.LEADER) {
                checker.onElected(id, node.term(), storage);
            }
            // 2. Send.
            for (Message m : rd.messages()) {
                env.send(m);
            }
            // 3. Apply: the snapshot, then committed entries in order.
            if (rd.snapshot() != null) {
                long index = rd.snapshot().getMetadata().getIndex();
                sm.restore(rd.snapshot().getData().toByteArray(), index);
                checker.onApplied(id, index, sm.state());
                snapshotIndex = index;
                env.snapshotInstalled();
            }
            for (Entry e : rd.committedEntries()) {
                checker.onCommitted(id, node.term(), e);
                String gap = sm.apply(e);
                if (gap != null) {
                    checker.onApplyGap(id, gap);
                }
                if (e.getType() == EntryType.EntryConfChange) {
                    node.applyConfChange(parse(e));
                }
                checker.onApplied(id, e.getIndex(), sm.state());
                env.applied(e);
            }
            node.advance(rd);
            // 4. Reads.
            for (Ready.ReadState rs : rd.readStates()) {
                env.readAnswered();
                long floor = env.readFloor(rs.context());
                if (floor >= 0) {
                    checker.onReadIndex(id, rs.index(), floor);
                }
            }
            maybeSnapshot();
        }
    }

    private void maybeSnapshot() {
        long applied = sm.applied();
        if (applied - snapshotIndex < profile.snapshotEveryEntries()) {
            return;
        }
        Snapshot snap = storage.createSnapshot(applied, node.confState(), sm.snapshotData());
        disk.recordLocalSnapshot(snap);
        snapshotIndex = applied;
        long compactTo = applied - profile.catchUpEntries();
        if (compactTo > storage.firstIndex()) {
            storage.compact(compactTo);
        }
    }

    private static ConfChange parse(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
