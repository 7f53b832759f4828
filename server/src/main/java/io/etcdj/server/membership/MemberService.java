package io.etcdj.server.membership;

import io.etcdj.api.etcdserverpb.MemberAddRequest;
import io.etcdj.api.etcdserverpb.MemberAddResponse;
import io.etcdj.api.etcdserverpb.MemberListResponse;
import io.etcdj.api.etcdserverpb.MemberPromoteRequest;
import io.etcdj.api.etcdserverpb.MemberPromoteResponse;
import io.etcdj.api.etcdserverpb.MemberRemoveRequest;
import io.etcdj.api.etcdserverpb.MemberRemoveResponse;
import io.etcdj.api.etcdserverpb.MemberUpdateRequest;
import io.etcdj.api.etcdserverpb.MemberUpdateResponse;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.serverpb.Member;
import io.etcdj.raft.RaftRole;
import io.etcdj.raft.RaftStatus;
import io.etcdj.server.apply.Waiters;
import io.etcdj.server.config.MemberUrls;
import io.etcdj.server.raft.RaftLoop;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.transport.PeerTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * etcd's Cluster service on the server side (etcdserver's AddMember, RemoveMember, UpdateMember,
 * PromoteMember and their {@code --strict-reconfig-check} guards): a change is proposed as a Raft
 * conf change and answered, once applied, with the members after it. Validation against the
 * applied membership happens in the apply step (every member alike); the checks here protect the
 * quorum before anything is proposed.
 *
 * <p>Connectivity is etcd's: a peer counts as connected when it has been heard from continuously
 * for at least {@link #HEALTH_INTERVAL} (so a cluster that just started is "unhealthy" for
 * reconfiguration for 5 s, as etcd's is). Only the leader hears from every member, so a follower
 * applies only the started-members checks.
 */
public final class MemberService {
    /** etcd's readyPercent: a learner is promotable once its log reaches 90 % of the leader's. */
    static final double LEARNER_READY_PERCENT = 0.9;
    /** etcd's HealthInterval: how long a peer must have been connected to count as healthy. */
    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);

    private final long localId;
    private final Membership membership;
    private final RaftLoop raft;
    private final Waiters waiters;
    private final LongSupplier requestIds;
    private final Supplier<ResponseHeader> header;
    private final boolean strictReconfigCheck;
    private final Duration requestTimeout;
    private final LongSupplier unixSeconds;

    public MemberService(long localId, Membership membership, RaftLoop raft, Waiters waiters, LongSupplier requestIds,
                         Supplier<ResponseHeader> header, boolean strictReconfigCheck, Duration requestTimeout,
                         LongSupplier unixSeconds) {
        this.localId = localId;
        this.membership = membership;
        this.raft = raft;
        this.waiters = waiters;
        this.requestIds = requestIds;
        this.header = header;
        this.strictReconfigCheck = strictReconfigCheck;
        this.requestTimeout = requestTimeout;
        this.unixSeconds = unixSeconds;
    }

    public CompletableFuture<MemberListResponse> list() {
        MemberListResponse.Builder b = MemberListResponse.newBuilder().setHeader(header.get());
        membership.members().forEach(m -> b.addMembers(toApi(m)));
        return CompletableFuture.completedFuture(b.build());
    }

    public CompletableFuture<MemberAddResponse> add(MemberAddRequest request) {
        List<String> urls;
        try {
            urls = MemberUrls.parse(request.getPeerURLsList());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(EtcdError.MEMBER_BAD_URLS.exception());
        }
        // As etcd's v3rpc: membership.NewMember("", urls, "", now) — the time keeps IDs of re-added URLs distinct.
        long id = MemberIds.memberId(urls, "", unixSeconds.getAsLong());
        Member member = Member.newBuilder().setID(id).addAllPeerUrls(urls).setIsLearner(request.getIsLearner()).build();
        return mayAdd(member.getIsLearner())
                .thenCompose(ok -> configure(ConfChange.newBuilder()
                        .setType(member.getIsLearner() ? ConfChangeType.ConfChangeAddLearnerNode : ConfChangeType.ConfChangeAddNode)
                        .setNodeId(id).setContext(member.toByteString())))
                .thenApply(members -> MemberAddResponse.newBuilder().setHeader(header.get())
                        .setMember(io.etcdj.api.etcdserverpb.Member.newBuilder().setID(id).addAllPeerURLs(urls)
                                .setIsLearner(member.getIsLearner()))
                        .addAllMembers(members.stream().map(MemberService::toApi).toList()).build());
    }

    public CompletableFuture<MemberRemoveResponse> remove(MemberRemoveRequest request) {
        long id = request.getID();
        return mayRemove(id)
                .thenCompose(ok -> configure(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeRemoveNode).setNodeId(id)))
                .thenApply(members -> MemberRemoveResponse.newBuilder().setHeader(header.get())
                        .addAllMembers(members.stream().map(MemberService::toApi).toList()).build());
    }

    public CompletableFuture<MemberUpdateResponse> update(MemberUpdateRequest request) {
        List<String> urls;
        try {
            urls = MemberUrls.parse(request.getPeerURLsList());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(EtcdError.MEMBER_BAD_URLS.exception());
        }
        Member context = Member.newBuilder().setID(request.getID()).addAllPeerUrls(urls).build();
        return configure(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeUpdateNode).setNodeId(request.getID())
                .setContext(context.toByteString()))
                .thenApply(members -> MemberUpdateResponse.newBuilder().setHeader(header.get())
                        .addAllMembers(members.stream().map(MemberService::toApi).toList()).build());
    }

    /**
     * Promotes a learner. Only the leader knows how far the learner's log is, so a follower forwards
     * the request to the leader over the peer transport, as etcd forwards it over peer HTTP.
     */
    public CompletableFuture<MemberPromoteResponse> promote(MemberPromoteRequest request) {
        long id = request.getID();
        if (raft.leader() == 0) {
            return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
        }
        if (raft.leader() != localId) {
            PeerTransport peers = raft.peers();
            if (peers == null) {
                return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
            }
            return peers.call(raft.leader(), PeerCalls.PROMOTE, ByteBuffer.allocate(8).putLong(id).array())
                    .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((answer, failure) -> {
                        if (failure != null) {
                            throw failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException
                                    ? EtcdError.TIMEOUT.exception() : EtcdError.UNHEALTHY.exception();
                        }
                        try {
                            return MemberPromoteResponse.parseFrom(PeerCalls.decode(answer)).toBuilder()
                                    .setHeader(header.get()).build();
                        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                            throw EtcdError.UNHEALTHY.exception();
                        }
                    });
        }
        return promoteOnLeader(id);
    }

    /** The leader's half of {@link #promote}; also what a forwarded request runs. */
    public CompletableFuture<MemberPromoteResponse> promoteOnLeader(long id) {
        return raft.status().thenCompose(status -> {
            if (status.role() != RaftRole.LEADER) {
                throw EtcdError.NOT_LEADER.exception();
            }
            RaftStatus.PeerProgress learner = status.progress().get(id);
            RaftStatus.PeerProgress leader = status.progress().get(localId);
            if (learner == null || leader == null) {
                throw EtcdError.MEMBER_NOT_FOUND.exception();
            }
            if (!learner.learner()) {
                throw EtcdError.MEMBER_NOT_LEARNER.exception();
            }
            if ((double) learner.match() < (double) leader.match() * LEARNER_READY_PERCENT) {
                throw EtcdError.LEARNER_NOT_READY.exception();
            }
            if (strictReconfigCheck && !readyToPromote()) {
                throw EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception();
            }
            return configure(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(id)
                    .setContext(Member.newBuilder().setID(id).build().toByteString()));
        }).thenApply(members -> MemberPromoteResponse.newBuilder().setHeader(header.get())
                .addAllMembers(members.stream().map(MemberService::toApi).toList()).build());
    }

    /** etcd's mayAddMember. */
    private CompletableFuture<Void> mayAdd(boolean learner) {
        if (!strictReconfigCheck) {
            return CompletableFuture.completedFuture(null);
        }
        if (!learner && !readyToAddVoter()) {
            return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception());
        }
        return leaderView().thenAccept(status -> {
            if (status != null && activeVoters(status) < votingMembers().size()) {
                throw EtcdError.UNHEALTHY.exception();  // not connected to every voter: a change could break the quorum
            }
        });
    }

    /** etcd's mayRemoveMember. */
    private CompletableFuture<Void> mayRemove(long id) {
        if (!strictReconfigCheck) {
            return CompletableFuture.completedFuture(null);
        }
        Member m = membership.member(id);
        if (m != null && m.getIsLearner()) {
            return CompletableFuture.completedFuture(null);
        }
        if (!readyToRemoveVoter(id)) {
            return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception());
        }
        return leaderView().thenAccept(status -> {
            if (status == null) {
                return;
            }
            if (id != localId && raft.peerActiveSince(id) == 0) {
                return;  // a member that is down is not part of the active quorum: safe to remove
            }
            int voters = votingMembers().size();
            int active = activeVoters(status);
            if (active - 1 < 1 + (voters - 1) / 2) {
                throw EtcdError.UNHEALTHY.exception();
            }
        });
    }

    /** The leader's Raft status, or null on a follower (which cannot judge connectivity). */
    private CompletableFuture<RaftStatus> leaderView() {
        if (raft.leader() != localId) {
            return CompletableFuture.completedFuture(null);
        }
        return raft.status().thenApply(s -> s.role() == RaftRole.LEADER ? s : null);
    }

    /** Voting members connected for at least {@link #HEALTH_INTERVAL}, this member included (etcd's numConnectedSince). */
    private int activeVoters(RaftStatus status) {
        long now = System.nanoTime();
        int active = 0;
        for (Member m : votingMembers()) {
            long since = raft.peerActiveSince(m.getID());
            RaftStatus.PeerProgress p = status.progress().get(m.getID());
            boolean connected = since != 0 && now - since >= HEALTH_INTERVAL.toNanos() && p != null && p.recentActive();
            if (m.getID() == localId || connected) {
                active++;
            }
        }
        return active;
    }

    private List<Member> votingMembers() {
        return membership.members().stream().filter(m -> !m.getIsLearner()).toList();
    }

    /** etcd's IsReadyToAddVotingMember: started voters stay a quorum of the grown cluster. */
    private boolean readyToAddVoter() {
        int members = 1;
        int started = 0;
        for (Member m : votingMembers()) {
            if (!m.getName().isEmpty()) {
                started++;
            }
            members++;
        }
        if (started == 1 && members == 2) {
            return true;  // adding a second member to a one-member cluster (restoring from a backup)
        }
        return started >= members / 2 + 1;
    }

    /** etcd's IsReadyToRemoveVotingMember. */
    private boolean readyToRemoveVoter(long id) {
        int members = 0;
        int started = 0;
        for (Member m : votingMembers()) {
            if (m.getID() == id) {
                continue;
            }
            if (!m.getName().isEmpty()) {
                started++;
            }
            members++;
        }
        return started >= members / 2 + 1;
    }

    /** etcd's IsReadyToPromoteMember: the learner counts as a started member of the grown cluster. */
    private boolean readyToPromote() {
        int members = 1;
        int started = 1;
        for (Member m : votingMembers()) {
            if (!m.getName().isEmpty()) {
                started++;
            }
            members++;
        }
        return started >= members / 2 + 1;
    }

    /** etcd's configure: propose, wait for the apply step's answer (the members after the change). */
    @SuppressWarnings("unchecked")
    private CompletableFuture<List<Member>> configure(ConfChange.Builder change) {
        long id = requestIds.getAsLong();
        CompletableFuture<Object> applied = waiters.register(id);
        raft.proposeConfChange(change.setId(id).build()).whenComplete((ok, failure) -> {
            if (failure != null) {
                waiters.fail(id, failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
        return applied.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((r, failure) -> {
            if (failure == null) {
                return (List<Member>) r;
            }
            waiters.cancel(id);
            Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (t instanceof TimeoutException) {
                throw EtcdError.TIMEOUT.exception();
            }
            if (t instanceof EtcdException e) {
                throw e;
            }
            throw new CompletionException(t);
        });
    }

    public static io.etcdj.api.etcdserverpb.Member toApi(Member m) {
        return io.etcdj.api.etcdserverpb.Member.newBuilder().setID(m.getID()).setName(m.getName())
                .addAllPeerURLs(m.getPeerUrlsList()).addAllClientURLs(m.getClientUrlsList())
                .setIsLearner(m.getIsLearner()).build();
    }
}
