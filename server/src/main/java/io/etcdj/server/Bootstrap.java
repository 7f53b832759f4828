package io.etcdj.server;

import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.serverpb.Member;
import io.etcdj.lease.Lessor;
import io.etcdj.lease.LessorConfig;
import io.etcdj.mvcc.LeaseAttachments;
import io.etcdj.mvcc.MvccOptions;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.watch.WatchHub;
import io.etcdj.mvcc.watch.WatchOptions;
import io.etcdj.server.maintenance.Alarms;
import io.etcdj.mvcc.kv.KvApplier;
import io.etcdj.raft.MemoryRaftStorage;
import io.etcdj.raft.RaftConfig;
import io.etcdj.raft.RawNode;
import io.etcdj.server.apply.ApplyPipeline;
import io.etcdj.server.apply.SnapshotFiles;
import io.etcdj.server.apply.Waiters;
import io.etcdj.server.config.EtcdConfig;
import io.etcdj.server.membership.MemberIds;
import io.etcdj.server.membership.Membership;
import io.etcdj.server.plugin.Providers;
import io.etcdj.server.raft.RaftLoop;
import io.etcdj.spi.discovery.DiscoveryProvider;
import io.etcdj.spi.discovery.DiscoveryRequest;
import io.etcdj.spi.discovery.InitialCluster;
import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendProvider;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.PeerTransportProvider;
import io.etcdj.wal.Wal;
import io.etcdj.wal.WalContents;
import io.etcdj.wal.WalOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Starts a member from its configuration: picks the plugins, then either bootstraps a new cluster
 * (initial members as the first log entries, as etcd does) or restarts from the data dir (WAL plus
 * backend), and starts the Raft loop. Data dir layout:
 *
 * <pre>
 * &lt;data-dir&gt;/member/wal/          the WAL (or --wal-dir)
 * &lt;data-dir&gt;/member/&lt;store&gt;/      the backend, e.g. member/rocks
 * &lt;data-dir&gt;/member/etcdj-store    the name of the store that owns this data dir
 * </pre>
 */
public final class Bootstrap {
    private static final System.Logger LOG = System.getLogger("etcdserver");
    static final String STORE_MARKER = "etcdj-store";

    private Bootstrap() {
    }

    /** A member's server before its client transport starts. */
    public record Started(EtcdServer server, RaftLoop raft) {
    }

    public static Started start(EtcdConfig cfg) throws IOException {
        return start(cfg, WalOptions.defaults());
    }

    /** {@link #start(EtcdConfig)} with the given WAL tuning (tests use small segments). */
    static Started start(EtcdConfig cfg, WalOptions walOptions) throws IOException {
        BackendProvider storeProvider = Providers.select(
                Providers.installed(ServiceLoader.load(BackendProvider.class)), "--store", cfg.store());
        Path memberDir = cfg.dataDir().resolve("member");
        Path walDir = cfg.walDir().orElse(memberDir.resolve("wal"));
        Path backendDir = memberDir.resolve(storeProvider.name());
        boolean restart = Wal.exists(walDir);
        if (restart) {
            checkStoreMarker(memberDir, storeProvider.name());
        } else {
            createPrivateDirectory(cfg.dataDir());
            createPrivateDirectory(memberDir);
            writeStoreMarker(memberDir, storeProvider.name());
        }

        List<String> buckets = new ArrayList<>(MvccStore.BUCKETS);
        buckets.add(Membership.BUCKET);
        buckets.add(Membership.CLUSTER_BUCKET);
        buckets.add(Membership.REMOVED_BUCKET);
        buckets.add(io.etcdj.server.apply.V2Persistence.BUCKET);
        buckets.add(Lessor.BUCKET);
        buckets.add(Alarms.BUCKET);
        Files.createDirectories(backendDir);
        Backend backend = storeProvider.open(new BackendConfig(backendDir, buckets, quotaBytes(cfg), cfg.storeOptions()));
        MvccStore store = null;
        try {
            // The lessor first: opening the store reports every live key's lease to it.
            Lessor lessor = new Lessor(LessorConfig.defaults()
                    .withMinTtlSeconds(LessorConfig.minTtlSeconds(cfg.heartbeatInterval(), cfg.electionTicks()))
                    .withExpiredLeaseRetryInterval(requestTimeout(cfg)), System::nanoTime);
            try (ReadView view = backend.readView()) {
                lessor.load(view);
            }
            store = MvccStore.open(backend, MvccOptions.defaults().withLeaseAttachments(new LeaseAttachments() {
                @Override
                public void keyWritten(com.google.protobuf.ByteString key, long leaseId) {
                    try {
                        lessor.attach(leaseId, key);
                    } catch (io.etcdj.spi.server.EtcdException e) {
                        // etcd logs and carries on: a key whose lease was revoked before a crash
                        LOG.log(System.Logger.Level.WARNING, "key {0} refers to lease {1}, which does not exist",
                                key.toStringUtf8(), Long.toHexString(leaseId));
                    }
                }

                @Override
                public void keyDeleted(com.google.protobuf.ByteString key) {
                    lessor.detachKey(key);
                }
            }));
            Parts parts = new Parts(backend, store, lessor, buckets);
            return restart ? restart(cfg, walDir, walOptions, parts)
                    : bootstrapNew(cfg, walDir, walOptions, parts);
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            try {
                backend.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** What is open before the Raft side is set up. */
    private record Parts(Backend backend, MvccStore store, Lessor lessor, List<String> buckets) {
    }

    private static Started bootstrapNew(EtcdConfig cfg, Path walDir, WalOptions walOptions, Parts parts)
            throws IOException {
        Backend backend = parts.backend();
        MvccStore store = parts.store();
        Map<String, List<URI>> initial = discoverInitialCluster(cfg);
        Map<Long, Member> members = new LinkedHashMap<>();
        for (var e : initial.entrySet()) {
            List<String> urls = e.getValue().stream().map(URI::toString).sorted().toList();
            long id = MemberIds.memberId(urls, cfg.initialClusterToken(), null);
            members.put(id, Member.newBuilder().setID(id).setName(e.getKey()).addAllPeerUrls(urls).build());
        }
        List<String> advertised = cfg.initialAdvertisePeerUrls().stream().map(URI::toString).sorted().toList();
        List<URI> local = initial.get(cfg.name());
        if (local == null) {
            throw new StartupException("couldn't find local name \"" + cfg.name() + "\" in the initial cluster configuration");
        }
        List<String> localUrls = local.stream().map(URI::toString).sorted().toList();
        if (!localUrls.equals(advertised)) {
            throw new StartupException("--initial-cluster has " + cfg.name() + "=" + String.join(",", localUrls)
                    + " but missing from --initial-advertise-peer-urls=" + String.join(",", advertised));
        }
        long memberId = MemberIds.memberId(localUrls, cfg.initialClusterToken(), null);
        long clusterId = MemberIds.clusterId(members.keySet());
        List<Member> joinedMembers = null;
        if (!cfg.isNewCluster()) {
            // Joining a running cluster: its members and IDs come from the cluster itself (MemberAdd
            // chose this member's ID), matched with --initial-cluster by peer URLs, as etcd does.
            io.etcdj.api.etcdserverpb.MemberListResponse remote = fetchExistingCluster(cfg, initial);
            joinedMembers = assignIds(members.values(), remote);
            clusterId = remote.getHeader().getClusterId();
            memberId = 0;
            for (Member m : joinedMembers) {
                if (m.getPeerUrlsList().equals(localUrls)) {
                    memberId = m.getID();
                }
            }
        }
        ServerIdentity identity = new ServerIdentity(memberId, clusterId);
        if (store.consistentIndex() > 0) {
            // Checked before the WAL is created, so a refused start leaves the data dir as it was.
            throw new StartupException("etcdj: the backend in " + cfg.dataDir() + " has applied Raft index "
                    + store.consistentIndex() + " but there is no WAL in " + walDir + "; restore the WAL, or remove "
                    + cfg.dataDir() + " to start a new member");
        }
        LOG.log(System.Logger.Level.INFO, "starting member {0} in cluster {1}", Long.toHexString(memberId),
                Long.toHexString(clusterId));

        Wal wal = Wal.create(walDir, identity.toWalMetadata(), walOptions);
        try {
            MemoryRaftStorage storage = new MemoryRaftStorage();
            RawNode node = new RawNode(raftConfig(cfg, memberId, storage, 0));
            if (joinedMembers == null) {
                List<ConfChange> changes = new ArrayList<>();
                for (Member m : members.values()) {
                    changes.add(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(m.getID())
                            .setContext(m.toByteString()).build());
                }
                node.bootstrap(changes);
            }
            // A joining member starts with an empty log: the leader sends it the log or a snapshot.
            return assemble(cfg, identity, parts, wal, storage, node, 0, joinedMembers);
        } catch (IOException | RuntimeException e) {
            // Release the WAL (its lock and this JVM's claim on the directory) so a retry can open it.
            try {
                wal.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static Started restart(EtcdConfig cfg, Path walDir, WalOptions walOptions, Parts parts)
            throws IOException {
        Wal.Opened opened = Wal.open(walDir, walOptions);
        try {
            WalContents contents = opened.contents();
            ServerIdentity identity = ServerIdentity.fromWalMetadata(contents.metadata());
            if (contents.entries().isEmpty() && contents.lastSnapshot() == null && contents.hardState().getTerm() == 0) {
                throw new StartupException("etcdj: the WAL in " + walDir + " holds no entries (was the first start "
                        + "interrupted?); remove " + cfg.dataDir() + " to bootstrap the member again");
            }
            if (contents.repairedTailBytes() > 0) {
                LOG.log(System.Logger.Level.WARNING, "repaired a torn WAL tail: cut {0} bytes of an unfinished write",
                        contents.repairedTailBytes());
            }
            MemoryRaftStorage storage = new MemoryRaftStorage();
            long snapshotIndex = 0;
            if (contents.lastSnapshot() != null) {
                storage.applySnapshot(Snapshot.newBuilder().setMetadata(contents.lastSnapshot()).build());
                snapshotIndex = contents.lastSnapshot().getIndex();
            }
            storage.setHardState(contents.hardState());
            storage.append(contents.entries());
            LOG.log(System.Logger.Level.INFO, "restarting member {0} in cluster {1} at commit index {2}",
                    Long.toHexString(identity.memberId()), Long.toHexString(identity.clusterId()),
                    contents.hardState().getCommit());
            RawNode node = new RawNode(raftConfig(cfg, identity.memberId(), storage, snapshotIndex));
            return assemble(cfg, identity, parts, opened.wal(), storage, node, snapshotIndex, null);
        } catch (IOException | RuntimeException e) {
            opened.wal().close();
            throw e;
        }
    }

    /**
     * @param joinedMembers for a member joining a running cluster, the members the cluster told it
     *                      of (its peers until the log or a snapshot brings the membership); else null
     */
    private static Started assemble(EtcdConfig cfg, ServerIdentity identity, Parts parts, Wal wal,
                                    MemoryRaftStorage storage, RawNode node, long snapshotIndex,
                                    List<Member> joinedMembers) throws IOException {
        Backend backend = parts.backend();
        MvccStore store = parts.store();
        Lessor lessor = parts.lessor();
        SnapshotFiles snapshotFiles = new SnapshotFiles(backend, parts.buckets(), cfg.dataDir().resolve("member").resolve("snap"));
        java.nio.file.Path pendingSnapshot = snapshotFiles.pendingRestore(store.consistentIndex(), snapshotIndex);
        if (store.consistentIndex() < snapshotIndex && pendingSnapshot == null) {
            throw new StartupException("etcdj: the backend has applied index " + store.consistentIndex()
                    + " but the WAL snapshot is at " + snapshotIndex + ": the backend lost data it had synced");
        }
        // The backend may be ahead of the WAL's last hard state (whose commit index Raft relearns),
        // e.g. when a torn tail cut the final STATE record, but every entry it applied must still be
        // in the WAL: an applied entry the log lost cannot be told apart from a different one that
        // Raft would later write at its index.
        long walLastIndex = storage.lastIndex();
        if (store.consistentIndex() > walLastIndex) {
            throw new StartupException("etcdj: the backend has applied index " + store.consistentIndex()
                    + " beyond the last entry of the WAL (index " + walLastIndex + "): the WAL lost entries it had synced");
        }
        Membership membership;
        Alarms alarms;
        io.etcdj.v2store.V2Service v2 = new io.etcdj.v2store.V2Service(java.time.InstantSource.system());
        try (ReadView view = backend.readView()) {
            membership = Membership.load(identity.clusterId(), view);
            alarms = Alarms.load(view);
            io.etcdj.server.apply.V2Persistence.load(view, v2);
        }
        Waiters waiters = new Waiters();
        KvApplier kv = new KvApplier(store, lessor::exists);
        MembershipChanges membershipChanges = new MembershipChanges(identity.memberId());
        ApplyPipeline applier = new ApplyPipeline(store, backend, kv, membership, lessor, alarms, cfg.electionTimeout(),
                waiters, (role, leader, term) -> {
            if (leader != 0) {
                System.getLogger("raft").log(System.Logger.Level.INFO, "raft.node: {0} elected leader {1} at term {2}",
                        Long.toHexString(identity.memberId()), Long.toHexString(leader), term);
            }
        }, membershipChanges, Math.toIntExact(cfg.get(io.etcdj.server.config.Flags.MAX_LEARNERS)), v2);
        // Every member serves its peer URLs (as etcd does, even alone): a member added later needs them.
        PeerTransportProvider peerProvider = peerTransportProvider(cfg);
        RaftLoop raft = new RaftLoop(node, storage, wal, applier, cfg.heartbeatInterval().toMillis(),
                cfg.snapshotCount(), snapshotIndex, handler -> peerProvider.create(
                        new PeerTransportConfig(identity.memberId(), identity.clusterId(), cfg.listenPeerUrls(), handler)));
        applier.enableSnapshots(snapshotFiles);
        if (pendingSnapshot != null) {
            // The WAL took a snapshot from the leader but the backend restore did not finish: finish it.
            LOG.log(System.Logger.Level.WARNING, "finishing the restore of snapshot {0} interrupted by a stop", pendingSnapshot);
            applier.restoreSnapshot(pendingSnapshot, io.etcdj.api.raftpb.SnapshotMetadata.newBuilder()
                    .setIndex(snapshotIndex).build());
            java.nio.file.Files.deleteIfExists(pendingSnapshot);
        }
        membershipChanges.raft = raft;
        if (cfg.initialElectionTickAdvance()) {
            raft.advanceInitialElectionTicks(cfg.electionTicks() - 2);
        }
        int maxRequestBytes = Math.toIntExact(cfg.maxRequestBytes());
        // Watch responses carry etcd's full header; the term is read when each is sent.
        WatchHub watchHub = WatchHub.start(store, WatchOptions.defaults()
                .withMaxResponseBytes(maxRequestBytes + 512 * 1024)
                .withHeaders(revision -> io.etcdj.api.etcdserverpb.ResponseHeader.newBuilder()
                        .setClusterId(identity.clusterId()).setMemberId(identity.memberId())
                        .setRevision(revision).setRaftTerm(raft.term()).build()));
        long quota = cfg.quotaBackendBytes() < 0 ? 0 : quotaBytes(cfg);
        EtcdServer server = new EtcdServer(identity, backend, wal, store, kv, membership, lessor, alarms, watchHub,
                parts.buckets(), cfg.dataDir().resolve("member").resolve("snap-spool"), quota, waiters, raft, applier,
                maxRequestBytes, Math.toIntExact(cfg.maxTxnOps()), requestTimeout(cfg),
                cfg.get(io.etcdj.server.config.Flags.STRICT_RECONFIG_CHECK), cfg.heartbeatInterval().toMillis(), v2);
        // Serve nothing before the replay: until then reads would miss committed writes, and a new
        // member's list would be empty.
        try {
            raft.peers().start();  // before the loop: what arrives meanwhile waits in the loop's queue
        } catch (IOException | RuntimeException e) {
            raft.close();  // closes the transport; the callers close the store, the backend and the WAL
            StartupException failure = new StartupException("etcdj: cannot serve peer traffic on "
                    + cfg.listenPeerUrls() + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        try {
            raft.start().join();
        } catch (CompletionException e) {
            raft.close();  // and the peer transport; the callers close the store, the backend and the WAL
            StartupException failure = new StartupException("etcdj: replaying the WAL failed: " + e.getCause().getMessage());
            failure.initCause(e.getCause());
            throw failure;
        }
        // The replay applied the membership in the log (a new member's initial cluster included); a
        // joining member knows its peers from the cluster it asked. Later changes come through the apply step.
        membershipChanges.attach(joinedMembers != null ? joinedMembers : membership.members());
        return new Started(server, raft);
    }

    /**
     * Keeps the peer transport in step with applied membership changes, and stops a member that was
     * removed. Changes applied during the start-up replay only matter through the membership they
     * leave, which {@link #attach} connects to.
     */
    private static final class MembershipChanges implements ApplyPipeline.MembershipListener {
        /** etcd's delay between applying its own removal and stopping. */
        private static final long REMOVED_STOP_DELAY_MILLIS = 1_000;
        private final long localId;
        private final java.util.Set<Long> connected = new java.util.HashSet<>();
        volatile RaftLoop raft;
        private boolean attached;

        MembershipChanges(long localId) {
            this.localId = localId;
        }

        synchronized void attach(List<Member> members) {
            attached = true;
            for (Member m : members) {
                connect(m);
            }
        }

        private void connect(Member m) {
            if (m.getID() != localId && connected.add(m.getID())) {
                raft.peers().addPeer(m.getID(), urls(m));
            }
        }

        private static List<URI> urls(Member m) {
            return m.getPeerUrlsList().stream().map(URI::create).toList();
        }

        @Override
        public synchronized void changed(ConfChangeType type, long memberId, Member member) {
            RaftLoop loop = raft;
            if (memberId == localId) {
                if (type == ConfChangeType.ConfChangeRemoveNode && loop != null) {
                    LOG.log(System.Logger.Level.WARNING, "the member has been permanently removed from the cluster");
                    // As etcd (stopWithDelay, 1 s): keep talking a little longer, so that the others
                    // learn the removal committed — a removed leader's last heartbeats carry it.
                    CompletableFuture.delayedExecutor(REMOVED_STOP_DELAY_MILLIS, TimeUnit.MILLISECONDS)
                            .execute(loop::stopRemoved);
                }
                return;
            }
            if (!attached) {
                return;
            }
            switch (type) {
                case ConfChangeAddNode, ConfChangeAddLearnerNode -> connect(member);
                case ConfChangeRemoveNode -> {
                    if (connected.remove(memberId)) {
                        loop.peers().removePeer(memberId);
                    }
                }
                case ConfChangeUpdateNode -> {
                    if (connected.add(memberId)) {
                        loop.peers().addPeer(memberId, urls(member));
                    } else {
                        loop.peers().updatePeer(memberId, urls(member));
                    }
                }
                default -> {
                }
            }
        }
    }

    private static PeerTransportProvider peerTransportProvider(EtcdConfig cfg) {
        return Providers.select(Providers.installed(ServiceLoader.load(PeerTransportProvider.class)),
                "--peer-transport", cfg.get(io.etcdj.server.config.Flags.PEER_TRANSPORT));
    }

    /**
     * etcd's GetClusterFromRemotePeers: asks the other members of --initial-cluster, in turn, for
     * the cluster's members and ID.
     */
    private static io.etcdj.api.etcdserverpb.MemberListResponse fetchExistingCluster(
            EtcdConfig cfg, Map<String, List<URI>> initial) throws IOException {
        PeerTransportProvider provider = peerTransportProvider(cfg);
        List<String> tried = new ArrayList<>();
        for (var e : initial.entrySet()) {
            if (e.getKey().equals(cfg.name())) {
                continue;
            }
            for (URI url : e.getValue()) {
                tried.add(url.toString());
                try {
                    byte[] answer = provider.call(url, io.etcdj.server.membership.PeerCalls.MEMBERS, new byte[0],
                            Duration.ofSeconds(2));
                    return io.etcdj.api.etcdserverpb.MemberListResponse.parseFrom(
                            io.etcdj.server.membership.PeerCalls.decode(answer));
                } catch (IOException | RuntimeException failure) {
                    LOG.log(System.Logger.Level.WARNING, "could not get cluster response from {0}: {1}", url,
                            failure.getMessage());
                }
            }
        }
        throw new StartupException("cannot fetch cluster info from peer urls: could not retrieve cluster information "
                + "from the given URLs " + tried);
    }

    /** etcd's ValidateClusterAndAssignIDs: the same members by peer URLs, with the cluster's IDs. */
    private static List<Member> assignIds(java.util.Collection<Member> local,
                                          io.etcdj.api.etcdserverpb.MemberListResponse remote) throws StartupException {
        if (remote.getMembersCount() != local.size()) {
            throw new StartupException("error validating peerURLs " + remote.getMembersList().stream()
                    .map(m -> m.getPeerURLsList().toString()).toList() + ": member count is unequal");
        }
        List<Member> assigned = new ArrayList<>();
        for (io.etcdj.api.etcdserverpb.Member em : remote.getMembersList()) {
            List<String> urls = em.getPeerURLsList().stream().sorted().toList();
            Member match = null;
            for (Member lm : local) {
                if (lm.getPeerUrlsList().equals(urls)) {
                    match = lm;
                }
            }
            if (match == null) {
                throw new StartupException("error validating peerURLs: PeerURLs: no match found for existing member ("
                        + Long.toHexString(em.getID()) + ", " + urls + ")");
            }
            assigned.add(match.toBuilder().setID(em.getID()).setIsLearner(em.getIsLearner()).build());
        }
        return assigned;
    }

    /** etcd's ReqTimeout: 5 s plus twice the election timeout. */
    static Duration requestTimeout(EtcdConfig cfg) {
        return Duration.ofSeconds(5).plus(cfg.electionTimeout().multipliedBy(2));
    }

    private static RaftConfig raftConfig(EtcdConfig cfg, long id, MemoryRaftStorage storage, long applied) {
        // As etcd's server configures its raft: check-quorum on, pre-vote as --pre-vote says.
        return new RaftConfig(id, storage, applied, cfg.electionTicks(), 1, 64L * 1024 * 1024, new SplittableRandom(),
                System.getLogger("raft")).withCheckQuorum(true).withPreVote(cfg.get(io.etcdj.server.config.Flags.PRE_VOTE));
    }

    private static Map<String, List<URI>> discoverInitialCluster(EtcdConfig cfg) throws IOException {
        DiscoveryRequest request = new DiscoveryRequest(cfg.name(), cfg.initialAdvertisePeerUrls(), cfg.initialCluster(),
                cfg.initialClusterToken(), "", "", "");
        List<DiscoveryProvider> applicable = Providers.installed(ServiceLoader.load(DiscoveryProvider.class)).stream()
                .filter(p -> p.appliesTo(request)).toList();
        if (applicable.isEmpty()) {
            throw new StartupException("etcdj: no discovery plugin handles --initial-cluster; install discovery-static");
        }
        try {
            InitialCluster cluster = Providers.select(applicable, "discovery", applicable.get(0).name()).discover(request);
            return cluster.members();
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
    }

    private static long quotaBytes(EtcdConfig cfg) {
        long q = cfg.quotaBackendBytes();
        return q <= 0 ? EtcdConfig.DEFAULT_QUOTA_BACKEND_BYTES : q;
    }

    private static void checkStoreMarker(Path memberDir, String store) throws IOException {
        Path marker = memberDir.resolve(STORE_MARKER);
        if (!Files.exists(marker)) {
            return;
        }
        String owner = Files.readString(marker, StandardCharsets.UTF_8).trim();
        if (!owner.equals(store)) {
            throw new StartupException("etcdj: data dir " + memberDir.getParent() + " was created with --store=" + owner
                    + "; start it with --store=" + owner + " (converting between stores is not supported yet)");
        }
    }

    private static void writeStoreMarker(Path memberDir, String store) throws IOException {
        Files.writeString(memberDir.resolve(STORE_MARKER), store + "\n", StandardCharsets.UTF_8);
    }

    /** etcd creates its data dir readable by its owner only. */
    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
    }

    /** The member cannot start; the message is for the operator, as etcd words it where etcd has the case. */
    public static final class StartupException extends IOException {
        public StartupException(String message) {
            super(message);
        }
    }
}
