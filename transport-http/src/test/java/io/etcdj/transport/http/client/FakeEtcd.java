package io.etcdj.transport.http.client;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.*;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.V2Answer;
import io.etcdj.spi.server.WatchSession;
import io.etcdj.v2store.V2Requests;
import io.etcdj.v2store.V2Service;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-member server for the HTTP face: a real v2 store ({@link V2Service}, applied at once as if
 * every proposal committed), a small v3 key space, leases, members, alarms and watch sessions the
 * test can drive and inspect.
 */
class FakeEtcd implements EtcdServerApi {
    static final long CLUSTER_ID = 0xd1cfaf999eb97a2aL;
    static final long MEMBER_ID = 0xbdae9bbc11dd390dL;

    final V2Service v2 = new V2Service(InstantSource.system());
    private long raftIndex = 5;
    final long raftTerm = 2;
    volatile long leader = MEMBER_ID;
    volatile int maxRequestBytes = 1536 * 1024;
    volatile boolean v2Fails;
    final List<Member> members = new CopyOnWriteArrayList<>(List.of(Member.newBuilder().setID(MEMBER_ID)
            .setName("default").addPeerURLs("http://127.0.0.1:23801").addClientURLs("http://127.0.0.1:23791").build()));
    final List<AlarmMember> alarms = new CopyOnWriteArrayList<>();
    final Map<ByteString, ByteString> kv = new ConcurrentHashMap<>();
    final Map<Long, Long> leases = new ConcurrentHashMap<>();
    final List<FakeWatch> watchSessions = new CopyOnWriteArrayList<>();
    /** v2 watches handed out and closed, to see that the front end releases them. */
    final AtomicInteger v2WatchesOpen = new AtomicInteger();
    final List<RequestContext> contexts = new CopyOnWriteArrayList<>();
    final List<V2Request> v2Requests = new CopyOnWriteArrayList<>();

    private ResponseHeader header() {
        return ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).setMemberId(MEMBER_ID).setRevision(kv.size() + 1)
                .setRaftTerm(raftTerm).build();
    }

    // ---- v2

    @Override
    public CompletableFuture<V2Answer> v2(V2Request request, RequestContext context) {
        contexts.add(context);
        v2Requests.add(request);
        if (v2Fails) {
            return CompletableFuture.failedFuture(EtcdError.TIMEOUT.exception());
        }
        switch (V2Requests.route(request)) {
            case PROPOSE -> {
                synchronized (this) {
                    raftIndex++;
                    return CompletableFuture.completedFuture(v2.apply(V2Requests.forProposal(request), raftIndex, raftTerm));
                }
            }
            case WATCH -> {
                V2Answer answer = v2.watch(request, raftIndex, raftTerm);
                if (answer instanceof V2Answer.Watch w) {
                    v2WatchesOpen.incrementAndGet();
                    return CompletableFuture.completedFuture(new CountedWatch(w));
                }
                return CompletableFuture.completedFuture(answer);
            }
            default -> {
                return CompletableFuture.completedFuture(v2.read(request, raftIndex, raftTerm));
            }
        }
    }

    /** Writes a v2 key as a PUT through the API would. */
    void v2Set(String key, String value) {
        v2(V2Request.newBuilder().setMethod("PUT").setPath(V2Requests.keysPath(key)).setVal(value).build(),
                RequestContext.NONE).join();
    }

    private final class CountedWatch implements V2Answer.Watch {
        private final V2Answer.Watch watch;
        private boolean closed;

        CountedWatch(V2Answer.Watch watch) {
            this.watch = watch;
        }

        @Override
        public long etcdIndex() {
            return watch.etcdIndex();
        }

        @Override
        public long raftIndex() {
            return watch.raftIndex();
        }

        @Override
        public long raftTerm() {
            return watch.raftTerm();
        }

        @Override
        public byte[] poll() {
            return watch.poll();
        }

        @Override
        public boolean isDone() {
            return watch.isDone();
        }

        @Override
        public void setListener(Runnable listener) {
            watch.setListener(listener);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                v2WatchesOpen.decrementAndGet();
            }
            watch.close();
        }
    }

    @Override
    public CompletableFuture<byte[]> v2StoreStats(RequestContext context) {
        return CompletableFuture.completedFuture(v2.storeStatsJson());
    }

    @Override
    public CompletableFuture<byte[]> v2SelfStats(RequestContext context) {
        return CompletableFuture.completedFuture("{\"name\":\"default\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<byte[]> v2LeaderStats(RequestContext context) {
        if (leader != MEMBER_ID) {
            return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
        }
        return CompletableFuture.completedFuture("{\"leader\":\"bdae9bbc11dd390d\",\"followers\":{}}"
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<byte[]> metrics(RequestContext context) {
        return CompletableFuture.completedFuture("etcd_server_has_leader 1\n".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String clusterVersion() {
        return "3.4.0";
    }

    @Override
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    // ---- v3

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request, RequestContext context) {
        if (request.getKey().isEmpty()) {
            return CompletableFuture.failedFuture(EtcdError.EMPTY_KEY.exception());
        }
        RangeResponse.Builder b = RangeResponse.newBuilder().setHeader(header());
        ByteString v = kv.get(request.getKey());
        if (v != null) {
            b.addKvs(KeyValue.newBuilder().setKey(request.getKey()).setValue(v).setCreateRevision(2).setModRevision(2)
                    .setVersion(1)).setCount(1);
        }
        return CompletableFuture.completedFuture(b.build());
    }

    @Override
    public CompletableFuture<PutResponse> put(PutRequest request, RequestContext context) {
        contexts.add(context);
        kv.put(request.getKey(), request.getValue());
        return CompletableFuture.completedFuture(PutResponse.newBuilder().setHeader(header()).build());
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, RequestContext context) {
        long deleted = kv.remove(request.getKey()) == null ? 0 : 1;
        return CompletableFuture.completedFuture(DeleteRangeResponse.newBuilder().setHeader(header()).setDeleted(deleted)
                .build());
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request, RequestContext context) {
        return CompletableFuture.completedFuture(TxnResponse.newBuilder().setHeader(header()).setSucceeded(true).build());
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request, RequestContext context) {
        return CompletableFuture.failedFuture(EtcdError.FUTURE_REV.exception());
    }

    @Override
    public CompletableFuture<StatusResponse> status(StatusRequest request, RequestContext context) {
        return CompletableFuture.completedFuture(StatusResponse.newBuilder().setHeader(header()).setVersion("3.4.23")
                .setLeader(leader).build());
    }

    @Override
    public CompletableFuture<HashResponse> hash(HashRequest request, RequestContext context) {
        return CompletableFuture.completedFuture(HashResponse.newBuilder().setHeader(header()).setHash(200390412).build());
    }

    @Override
    public CompletableFuture<AlarmResponse> alarm(AlarmRequest request, RequestContext context) {
        return CompletableFuture.completedFuture(AlarmResponse.newBuilder().addAllAlarms(alarms).build());
    }

    @Override
    public CompletableFuture<MemberListResponse> memberList(MemberListRequest request, RequestContext context) {
        return CompletableFuture.completedFuture(MemberListResponse.newBuilder().setHeader(header())
                .addAllMembers(members).build());
    }

    @Override
    public CompletableFuture<MemberAddResponse> memberAdd(MemberAddRequest request, RequestContext context) {
        for (Member m : members) {
            for (String url : request.getPeerURLsList()) {
                if (m.getPeerURLsList().contains(url)) {
                    return CompletableFuture.failedFuture(EtcdError.PEER_URL_EXIST.exception());
                }
            }
        }
        Member added = Member.newBuilder().setID(0x1234abcdL).addAllPeerURLs(request.getPeerURLsList()).build();
        members.add(added);
        return CompletableFuture.completedFuture(MemberAddResponse.newBuilder().setHeader(header()).setMember(added)
                .addAllMembers(members).build());
    }

    @Override
    public CompletableFuture<MemberRemoveResponse> memberRemove(MemberRemoveRequest request, RequestContext context) {
        if (!members.removeIf(m -> m.getID() == request.getID())) {
            return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_FOUND.exception());
        }
        return CompletableFuture.completedFuture(MemberRemoveResponse.newBuilder().setHeader(header()).build());
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request, RequestContext context) {
        long id = request.getID() != 0 ? request.getID() : 4111120162548401697L;
        leases.put(id, request.getTTL());
        return CompletableFuture.completedFuture(LeaseGrantResponse.newBuilder().setHeader(header()).setID(id)
                .setTTL(request.getTTL()).build());
    }

    @Override
    public CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest request,
                                                                    RequestContext context) {
        Long ttl = leases.get(request.getID());
        if (ttl == null) {
            return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
        }
        return CompletableFuture.completedFuture(LeaseKeepAliveResponse.newBuilder().setHeader(header())
                .setID(request.getID()).setTTL(ttl).build());
    }

    /** The last Lock call's answer, left for the test to complete or to see cancelled. */
    volatile CompletableFuture<io.etcdj.api.v3lockpb.LockResponse> pendingLock;

    @Override
    public CompletableFuture<io.etcdj.api.v3lockpb.LockResponse> lock(io.etcdj.api.v3lockpb.LockRequest request,
                                                                      RequestContext context) {
        CompletableFuture<io.etcdj.api.v3lockpb.LockResponse> f = new CompletableFuture<>();
        pendingLock = f;
        return f;
    }

    @Override
    public WatchSession watch(RequestContext context) {
        FakeWatch w = new FakeWatch();
        watchSessions.add(w);
        return w;
    }

    /** A watch session answering each create with "created" and serving what the test offers. */
    static final class FakeWatch implements WatchSession {
        final List<WatchRequest> handled = new CopyOnWriteArrayList<>();
        private final Queue<WatchResponse> ready = new ConcurrentLinkedQueue<>();
        private volatile Runnable listener = () -> { };
        volatile boolean closed;

        @Override
        public void handle(WatchRequest request) {
            handled.add(request);
            if (request.hasCreateRequest()) {
                offer(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(2)).setCreated(true)
                        .build());
            }
        }

        void offer(WatchResponse response) {
            ready.add(response);
            listener.run();
        }

        @Override
        public WatchResponse poll() {
            return ready.poll();
        }

        @Override
        public void setListener(Runnable responsesWaiting) {
            listener = responsesWaiting;
            if (!ready.isEmpty()) {
                responsesWaiting.run();
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
