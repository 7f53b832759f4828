package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.api.etcdserverpb.TxnResponse;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.v3electionpb.CampaignRequest;
import io.etcdj.api.v3electionpb.CampaignResponse;
import io.etcdj.api.v3electionpb.LeaderKey;
import io.etcdj.api.v3electionpb.LeaderRequest;
import io.etcdj.api.v3electionpb.LeaderResponse;
import io.etcdj.api.v3electionpb.ProclaimRequest;
import io.etcdj.api.v3electionpb.ProclaimResponse;
import io.etcdj.api.v3electionpb.ResignRequest;
import io.etcdj.api.v3electionpb.ResignResponse;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.ObserveSession;
import io.etcdj.spi.server.RequestContext;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * etcd's v3election service ({@code etcdserver/api/v3election}) over the server's own KV, lease
 * and watch calls, as {@code clientv3/concurrency.Election} implements it.
 *
 * <ul>
 *   <li><b>Campaign</b> queues the key {@code name/<lease in hex>} holding the value, with the
 *       request's lease (a new 60 s lease when it names none, as etcd); when the key exists it is
 *       reused and, if its value differs, proclaimed. It answers once every older candidate key is
 *       gone, with the leader key (name, key, create revision, lease) and the header of the
 *       queueing transaction. Before answering it checks that its key still exists with the same
 *       create revision (etcd 3.4 does not: a candidate whose lease expired while waiting would
 *       be told it leads); if not it fails with "election: not leader".</li>
 *   <li><b>Proclaim</b> puts a new value on the leader key if its create revision is still the
 *       leader key's ({@code "election: not leader"} otherwise).</li>
 *   <li><b>Leader</b> answers the key with the lowest create revision ({@code "election: no
 *       leader"} when there is none).</li>
 *   <li><b>Resign</b> deletes the leader key if its create revision is still the leader key's,
 *       and succeeds either way.</li>
 *   <li><b>Observe</b> streams the current leader, then each change: values proclaimed, and the
 *       next leader when the key goes ({@link LeaderObservation}).</li>
 * </ul>
 *
 * <p>When a campaign's caller cancels the future (the client went away) or its wait fails, its
 * key is resigned so it does not block the candidates behind it, and its watch is closed.
 * Errors are etcd's text with gRPC code Unknown, as etcd's service answers (see the package
 * comment). One deliberate difference: Resign with lease 0 does not grant the 60 s lease etcd's
 * per-request session would (the lease is never used there).
 */
public final class ElectionService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("concurrency");

    private final EtcdServerApi server;
    private final Executor executor;
    private final Inflight inflight = new Inflight();

    /**
     * @param server   the server whose KV, lease and watch calls carry the elections
     * @param executor runs the polling of watch streams (never blocks in it); a task it rejects
     *                 runs on the signalling thread
     */
    public ElectionService(EtcdServerApi server, Executor executor) {
        this.server = Objects.requireNonNull(server, "server");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** {@code Election.Campaign}: completes once the caller leads; cancel it to stop waiting. */
    public CompletableFuture<CampaignResponse> campaign(CampaignRequest request, RequestContext context) {
        Candidacy candidacy = new Candidacy(request, context);
        if (!inflight.add(candidacy)) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        candidacy.result.whenComplete((r, f) -> inflight.remove(candidacy));
        SessionLease.of(server, request.getLease(), context).whenComplete((lease, failure) -> {
            if (failure != null) {
                candidacy.fail(failure);
            } else {
                candidacy.enqueue(lease);
            }
        });
        return candidacy.result;
    }

    /** {@code Election.Proclaim}. */
    public CompletableFuture<ProclaimResponse> proclaim(ProclaimRequest request, RequestContext context) {
        if (inflight.isClosed()) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        if (!request.hasLeader()) {
            return CompletableFuture.failedFuture(Failures.unknown(Failures.MISSING_LEADER_KEY));
        }
        LeaderKey leader = request.getLeader();
        // etcd's per-request session: with lease 0 it grants a 60 s lease and the value is put with it.
        CompletableFuture<TxnResponse> txn = SessionLease.of(server, leader.getLease(), context)
                .thenCompose(lease -> server.txn(ifStillLeader(leader.getKey(), leader.getRev(),
                        Ops.put(leader.getKey(), request.getValue(), lease)), context));
        return Answers.of(txn, response -> {
            if (!response.getSucceeded()) {
                throw Failures.unknown(Failures.ELECTION_NOT_LEADER);
            }
            return ProclaimResponse.newBuilder().setHeader(response.getHeader()).build();
        });
    }

    /** {@code Election.Leader}. */
    public CompletableFuture<LeaderResponse> leader(LeaderRequest request, RequestContext context) {
        if (inflight.isClosed()) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        return Answers.of(server.range(Keys.firstCreated(Keys.prefix(request.getName())), context), read -> {
            if (read.getKvsCount() == 0) {
                throw Failures.unknown(Failures.ELECTION_NO_LEADER);
            }
            return LeaderResponse.newBuilder().setHeader(read.getHeader()).setKv(read.getKvs(0)).build();
        });
    }

    /** {@code Election.Resign}. */
    public CompletableFuture<ResignResponse> resign(ResignRequest request, RequestContext context) {
        if (inflight.isClosed()) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        if (!request.hasLeader()) {
            return CompletableFuture.failedFuture(Failures.unknown(Failures.MISSING_LEADER_KEY));
        }
        LeaderKey leader = request.getLeader();
        return Answers.of(server.txn(ifStillLeader(leader.getKey(), leader.getRev(), Ops.delete(leader.getKey())),
                        context),
                response -> ResignResponse.newBuilder().setHeader(response.getHeader()).build());
    }

    /**
     * {@code Election.Observe}: a stream of the election's leaders; the transport closes it when
     * the client's stream ends.
     *
     * @throws io.etcdj.spi.server.EtcdException ErrStopped when the service is closed
     */
    public ObserveSession observe(LeaderRequest request, RequestContext context) {
        LeaderObservation observation = new LeaderObservation(server, context, executor,
                Keys.prefix(request.getName()), inflight::remove);
        if (!inflight.add(observation)) {
            throw EtcdError.STOPPED.exception();
        }
        observation.start();
        return observation;
    }

    /** Ends every campaign still waiting (ErrStopped; their keys are resigned) and every observation; later calls fail. */
    @Override
    public void close() {
        inflight.close();
    }

    /** {@code Election.Proclaim}'s and {@code Resign}'s guard: the key still has the leader's create revision. */
    private static TxnRequest ifStillLeader(ByteString key, long createRevision, RequestOp op) {
        return TxnRequest.newBuilder().addCompare(Ops.createRevisionIs(key, createRevision)).addSuccess(op).build();
    }

    /** One Campaign request in progress. */
    private final class Candidacy extends QueuedAttempt<CampaignResponse> {
        private final CampaignRequest request;
        private final ByteString prefix;
        private final RequestContext context;

        Candidacy(CampaignRequest request, RequestContext context) {
            this.request = request;
            this.prefix = Keys.prefix(request.getName());
            this.context = context;
        }

        void enqueue(long lease) {
            if (result.isDone()) {
                return;  // the caller left while the lease was granted
            }
            ByteString key = Keys.waiterKey(prefix, lease);
            TxnRequest txn = TxnRequest.newBuilder()
                    .addCompare(Ops.createRevisionIs(key, 0))
                    .addSuccess(Ops.put(key, request.getValue(), lease))
                    .addFailure(Ops.get(Keys.key(key)))
                    .build();
            server.txn(txn, context).whenComplete((response, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else {
                    queuedAs(key, lease, response);
                }
            });
        }

        private void queuedAs(ByteString key, long lease, TxnResponse response) {
            KeyValue existing = response.getSucceeded() ? null : response.getResponses(0).getResponseRange().getKvs(0);
            long revision = existing == null ? response.getHeader().getRevision() : existing.getCreateRevision();
            if (!queued(key, revision)) {
                return;
            }
            LeaderKey leaderKey = LeaderKey.newBuilder().setName(request.getName()).setKey(key).setRev(revision)
                    .setLease(lease).build();
            if (existing == null || existing.getValue().equals(request.getValue())) {
                awaitTurn(leaderKey, response.getHeader());
                return;
            }
            // Our key from an earlier campaign with another value: proclaim the new one first.
            waitFor(server.txn(ifStillLeader(key, revision, Ops.put(key, request.getValue(), lease)), context))
                    .whenComplete((proclaimed, failure) -> {
                        if (failure != null) {
                            fail(failure);
                        } else if (!proclaimed.getSucceeded()) {
                            fail(Failures.unknown(Failures.ELECTION_NOT_LEADER));
                        } else {
                            awaitTurn(leaderKey, response.getHeader());
                        }
                    });
        }

        private void awaitTurn(LeaderKey leaderKey, ResponseHeader queueingHeader) {
            waitFor(PredecessorWait.start(server, context, executor, prefix, leaderKey.getRev() - 1))
                    .whenComplete((header, failure) -> {
                        if (failure != null) {
                            fail(failure);
                        } else {
                            confirm(leaderKey, queueingHeader);
                        }
                    });
        }

        /** Our key must still be there, from our campaign: a lease that expired while waiting leads nothing. */
        private void confirm(LeaderKey leaderKey, ResponseHeader queueingHeader) {
            waitFor(server.range(Keys.key(leaderKey.getKey()), context)).whenComplete((read, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else if (read.getKvsCount() == 0 || read.getKvs(0).getCreateRevision() != leaderKey.getRev()) {
                    keyGone();
                    fail(Failures.unknown(Failures.ELECTION_NOT_LEADER));
                } else {
                    // etcd answers with the header of the queueing transaction, not of the wait.
                    result.complete(CampaignResponse.newBuilder().setHeader(queueingHeader).setLeader(leaderKey).build());
                }
            });
        }

        @Override
        protected void release(ByteString key, long createRevision) {
            // etcd's Election.Resign: delete the key only while it is still this candidacy's.
            server.txn(ifStillLeader(key, createRevision, Ops.delete(key)), context).whenComplete((r, failure) -> {
                if (failure != null) {
                    LOG.log(System.Logger.Level.WARNING, "concurrency: resigning candidate key "
                            + key.toStringUtf8() + " failed: " + failure.getMessage());
                }
            });
        }
    }
}
