package io.etcdj.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.TextFormat;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A seeded source of odd etcd v3 requests for {@link GrpcFuzzE2eTest}: Range, Put, DeleteRange, Txn (nested),
 * Compact, LeaseGrant/Revoke/TimeToLive and Watch sessions whose fields sit at the edges (empty, {@code \0},
 * {@code \xff} and huge keys, range ends below the key, negative and extreme revisions, limits, TTLs and IDs,
 * enum numbers no version of the proto defines), and the same requests with their serialized bytes mutated
 * (bits flipped, bytes inserted, deleted, duplicated, truncated, bogus fields appended).
 *
 * <p>Every request is handed out as bytes for the real gRPC method, so typed and mutated requests travel the
 * same way. The same seed gives the same sequence of choices; the values of a few of them (the current
 * revision, lease IDs granted earlier) come from the answers fed back through {@link #observe}, so a replay
 * matches the original as far as the server answers the same.
 *
 * <p>Keys come from three small prefixes and a handful of odd keys, so the store stays small.
 */
final class GrpcFuzzRequests {

    static final String KV = "etcdserverpb.KV/";
    static final String LEASE = "etcdserverpb.Lease/";
    static final String WATCH = "etcdserverpb.Watch/Watch";
    /** etcd's default {@code --max-request-bytes}: a larger proposal is refused as too large. */
    static final int MAX_REQUEST_BYTES = 1536 * 1024;
    /** The watch ID of the create that ends every watch session; the generator never picks it itself. */
    static final long BARRIER_WATCH_ID = 0x7eed_f00d_0000_0001L;

    /** WatchCreateRequest.watch_id and .fragment (etcd 3.4), which jetcd's generated classes predate. */
    private static final int WATCH_ID_FIELD = 7;
    private static final int FRAGMENT_FIELD = 8;
    /** Compare.lease (etcd 3.3+), the target_union case jetcd's generated classes predate. */
    private static final int COMPARE_LEASE_FIELD = 8;
    private static final int MAX_TXN_DEPTH = 5;
    /** etcd's default {@code --max-txn-ops}. */
    private static final int MAX_TXN_OPS = 128;

    private static final List<String> PREFIXES = List.of("fz/a/", "fz/b/", "fz/c/");
    private static final List<ByteString> ODD_KEYS = List.of(
            bytes("\0"), bytes("\0\0"), ByteString.copyFrom(new byte[]{(byte) 0xff}),
            ByteString.copyFrom(new byte[]{(byte) 0xff, (byte) 0xff}), bytes("fz"), bytes("fz/"), bytes("fz0"),
            bytes("fz/a"), ByteString.copyFrom(new byte[]{'f', 'z', '/', (byte) 0x80, 0}));
    /** Huge keys: below the request limit, just above it, and above gRPC's receive limit in etcd (2 MiB). */
    private static final int[] HUGE_SIZES = {64 * 1024, MAX_REQUEST_BYTES - 4096, MAX_REQUEST_BYTES + 1024,
            2 * 1024 * 1024 + 1024};
    private static final long[] TTLS = {0, -1, Long.MIN_VALUE, 1, 2, 5, 60, 3600, 9_000_000_000L,
            9_000_000_001L, Long.MAX_VALUE};
    private static final long[] EDGE_IDS = {-1, Long.MIN_VALUE, Long.MAX_VALUE, 1, 2, 0x7fff_ffff};
    private static final long[] EDGE_WATCH_IDS = {0, 1, 2, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 1 << 20};
    /** A run of one character in printed requests that is worth cutting short. */
    private static final Pattern LONG_RUN = Pattern.compile("(.)\\1{63,}");
    /** The defects of {@link #etcd34Defect}, as the summary names them. */
    private static final String UNDEFINED_SORT = "etcd 3.4 dies on an undefined sort_target";
    private static final String RANGE_REVISION_IN_WRITE_TXN = "etcd 3.4 members diverge on a Range revision in a"
            + " writing Txn (etcd-io/etcd#18667)";

    /** One request or request stream to send, and what the judge needs to know about it. */
    sealed interface Call permits Unary, WatchSession {
        /** The request kind the summary groups answers by; mutated requests are {@code mutated:<kind>}. */
        String kind();

        /** True when the bytes were mutated after serialization, so they need not be a valid message. */
        boolean mutated();

        /** The largest message of the call, in bytes. */
        int largestMessage();

        /** A short printable form for failure messages. */
        String describe();
    }

    /**
     * A unary call.
     *
     * @param etcd34Defect the known etcd 3.4 defect the request runs into (see {@link #etcd34Defect})
     */
    record Unary(String kind, String method, byte[] request, Parser<? extends Message> responseParser,
                 boolean mutated, Optional<String> etcd34Defect, String describe) implements Call {
        @Override
        public int largestMessage() {
            return request.length;
        }
    }

    /**
     * A Watch stream: the requests in order, then a create with {@link #BARRIER_WATCH_ID} whose answer shows the
     * server read everything before it.
     *
     * @param typedCreates how many of the requests are unmutated creates, each of which must be answered
     */
    record WatchSession(String kind, List<byte[]> requests, int typedCreates, boolean mutated, String describe)
            implements Call {
        @Override
        public int largestMessage() {
            return requests.stream().mapToInt(r -> r.length).max().orElse(0);
        }
    }

    private final Random random;
    private long currentRevision = 1;
    private final List<Long> grantedLeases = new ArrayList<>();

    GrpcFuzzRequests(Random random) {
        this.random = random;
    }

    /** The next call: about one in six is a mutated one. */
    Call next() {
        Call typed = typed();
        if (random.nextInt(6) != 0) {
            return typed;
        }
        return switch (typed) {
            case Unary u -> {
                byte[] bytes = mutate(u.request());
                yield new Unary("mutated:" + u.kind(), u.method(), bytes, u.responseParser(), true,
                        etcd34Defect(u.method(), bytes), hex(bytes) + " mutated from " + u.describe());
            }
            case WatchSession w -> {
                List<byte[]> requests = new ArrayList<>();
                int typedCreates = 0;
                for (byte[] request : w.requests()) {
                    if (random.nextBoolean()) {
                        requests.add(mutate(request));
                    } else {
                        requests.add(request);
                        typedCreates += isCreate(request) ? 1 : 0;
                    }
                }
                yield new WatchSession("mutated:watch", requests, typedCreates, true,
                        requests.stream().map(GrpcFuzzRequests::hex).toList() + " mutated from " + w.describe());
            }
        };
    }

    /** Feeds an answer back: its header revision and, for a grant, the new lease ID become later choices. */
    void observe(Message response) {
        Descriptors.FieldDescriptor headerField = response.getDescriptorForType().findFieldByName("header");
        if (headerField != null && response.getField(headerField) instanceof ResponseHeader h) {
            currentRevision = Math.max(currentRevision, h.getRevision());
        }
        if (response instanceof LeaseGrantResponse grant) {
            grantedLeases.add(grant.getID());
            if (grantedLeases.size() > 16) {
                grantedLeases.removeFirst();
            }
        }
    }

    /**
     * The known etcd 3.4 defect the request runs into, if any; against etcd such requests are not sent, since
     * either would end the run:
     * <ul>
     *   <li>a Range (also inside a Txn, on either branch) whose sort_target is not one of the five defined while
     *       the effective sort order is ascending or descending (NONE with a target other than KEY means
     *       ascending) makes etcd 3.4 sort with a nil sorter and die; 3.5 refuses it with "etcdserver: invalid
     *       sort option";</li>
     *   <li>a Txn that writes and holds a Range with a revision makes the members disagree when that revision is
     *       compacted or in the future: the member the client called fails the whole Txn, the others strip the
     *       Range before applying and commit the writes (etcd-io/etcd#18667).</li>
     * </ul>
     * Bytes that do not parse are no Range or Txn, so they run into neither.
     */
    static Optional<String> etcd34Defect(String method, byte[] request) {
        try {
            return switch (method) {
                case KV + "Range" -> undefinedSort(RangeRequest.parseFrom(request))
                        ? Optional.of(UNDEFINED_SORT) : Optional.empty();
                case KV + "Txn" -> etcd34Defect(TxnRequest.parseFrom(request));
                default -> Optional.empty();
            };
        } catch (InvalidProtocolBufferException notAMessage) {
            return Optional.empty();
        }
    }

    private static Optional<String> etcd34Defect(TxnRequest txn) {
        List<RangeRequest> ranges = new ArrayList<>();
        boolean writes = collect(txn, ranges);
        if (ranges.stream().anyMatch(GrpcFuzzRequests::undefinedSort)) {
            return Optional.of(UNDEFINED_SORT);
        }
        if (writes && ranges.stream().anyMatch(r -> r.getRevision() != 0)) {
            return Optional.of(RANGE_REVISION_IN_WRITE_TXN);
        }
        return Optional.empty();
    }

    /** Adds every Range of both branches, nested ones included, to {@code ranges}; true if any op writes. */
    private static boolean collect(TxnRequest txn, List<RangeRequest> ranges) {
        boolean writes = false;
        for (RequestOp op : Stream.concat(txn.getSuccessList().stream(), txn.getFailureList().stream()).toList()) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> ranges.add(op.getRequestRange());
                case REQUEST_PUT, REQUEST_DELETE_RANGE -> writes = true;
                case REQUEST_TXN -> writes |= collect(op.getRequestTxn(), ranges);
                default -> {
                    // An empty op neither reads nor writes.
                }
            }
        }
        return writes;
    }

    private static boolean undefinedSort(RangeRequest range) {
        int target = range.getSortTargetValue();
        if (target >= 0 && target <= 4) {
            return false;
        }
        int order = range.getSortOrderValue() == 0 ? 1 : range.getSortOrderValue();
        return order == 1 || order == 2;
    }

    private Call typed() {
        int pick = random.nextInt(100);
        if (pick < 18) {
            return unary("range", KV + "Range", range(), RangeResponse.parser());
        } else if (pick < 32) {
            return unary("put", KV + "Put", put(), PutResponse.parser());
        } else if (pick < 40) {
            return unary("delete", KV + "DeleteRange", delete(), DeleteRangeResponse.parser());
        } else if (pick < 62) {
            return unary("txn", KV + "Txn", random.nextInt(30) == 0 ? deepTxn() : txn(1), TxnResponse.parser());
        } else if (pick < 66) {
            return unary("compact", KV + "Compact", compaction(), CompactionResponse.parser());
        } else if (pick < 74) {
            return unary("lease-grant", LEASE + "LeaseGrant",
                    LeaseGrantRequest.newBuilder().setTTL(pickOf(TTLS)).setID(random.nextBoolean() ? 0 : leaseId())
                            .build(), LeaseGrantResponse.parser());
        } else if (pick < 79) {
            return unary("lease-revoke", LEASE + "LeaseRevoke",
                    LeaseRevokeRequest.newBuilder().setID(leaseId()).build(), LeaseRevokeResponse.parser());
        } else if (pick < 84) {
            return unary("lease-ttl", LEASE + "LeaseTimeToLive",
                    LeaseTimeToLiveRequest.newBuilder().setID(leaseId()).setKeys(random.nextBoolean()).build(),
                    LeaseTimeToLiveResponse.parser());
        }
        return watchSession();
    }

    private Unary unary(String kind, String method, Message request, Parser<? extends Message> parser) {
        byte[] bytes = request.toByteArray();
        return new Unary(kind, method, bytes, parser, false, etcd34Defect(method, bytes), printable(request));
    }

    private RangeRequest range() {
        ByteString key = key();
        RangeRequest.Builder range = RangeRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd(key));
        if (random.nextBoolean()) {
            range.setLimit(limit());
        }
        if (random.nextInt(4) == 0) {
            range.setRevision(revision());
        }
        if (random.nextInt(4) == 0) {
            range.setSortOrderValue(enumNumber(3)).setSortTargetValue(enumNumber(5));
        }
        range.setSerializable(random.nextBoolean()).setKeysOnly(random.nextInt(4) == 0)
                .setCountOnly(random.nextInt(4) == 0);
        if (random.nextInt(5) == 0) {
            range.setMinModRevision(revision());
        }
        if (random.nextInt(5) == 0) {
            range.setMaxModRevision(revision());
        }
        if (random.nextInt(5) == 0) {
            range.setMinCreateRevision(revision());
        }
        if (random.nextInt(5) == 0) {
            range.setMaxCreateRevision(revision());
        }
        return range.build();
    }

    private PutRequest put() {
        PutRequest.Builder put = PutRequest.newBuilder().setKey(key()).setValue(value());
        if (random.nextInt(3) == 0) {
            put.setLease(leaseId());
        }
        return put.setPrevKv(random.nextBoolean()).setIgnoreValue(random.nextInt(10) == 0)
                .setIgnoreLease(random.nextInt(10) == 0).build();
    }

    private DeleteRangeRequest delete() {
        ByteString key = key();
        return DeleteRangeRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd(key))
                .setPrevKv(random.nextBoolean()).build();
    }

    private TxnRequest txn(int depth) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        // Now and then one list longer than --max-txn-ops.
        int compares = random.nextInt(40) == 0 ? MAX_TXN_OPS + 1 : random.nextInt(4);
        for (int i = 0; i < compares; i++) {
            txn.addCompare(compare());
        }
        int successes = random.nextInt(60) == 0 ? MAX_TXN_OPS + 1 : random.nextInt(4);
        for (int i = 0; i < successes; i++) {
            txn.addSuccess(op(depth));
        }
        int failures = random.nextInt(4);
        for (int i = 0; i < failures; i++) {
            txn.addFailure(op(depth));
        }
        return txn.build();
    }

    /** A chain of up to 32 nested txns, one op per level, far deeper than the usual five. */
    private TxnRequest deepTxn() {
        TxnRequest inner = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestRange(range()))
                .addFailure(RequestOp.newBuilder().setRequestPut(put())).build();
        int depth = 6 + random.nextInt(27);
        for (int i = 1; i < depth; i++) {
            RequestOp nested = RequestOp.newBuilder().setRequestTxn(inner).build();
            TxnRequest.Builder outer = TxnRequest.newBuilder();
            if (random.nextBoolean()) {
                outer.addCompare(compare()).addSuccess(nested);
            } else {
                outer.addFailure(nested);
            }
            inner = outer.build();
        }
        return inner;
    }

    private Compare compare() {
        ByteString key = key();
        // Targets 0..4 include LEASE (4), which jetcd's enum predates.
        Compare.Builder compare = Compare.newBuilder().setResultValue(enumNumber(4))
                .setTargetValue(enumNumber(5)).setKey(key);
        if (random.nextInt(4) == 0) {
            compare.setRangeEnd(rangeEnd(key));
        }
        // The union case need not match the target: etcd then compares against zero or empty.
        switch (random.nextInt(6)) {
            case 0 -> compare.setVersion(random.nextBoolean() ? random.nextInt(4) : revision());
            case 1 -> compare.setCreateRevision(revision());
            case 2 -> compare.setModRevision(revision());
            case 3 -> compare.setValue(value());
            case 4 -> compare.setUnknownFields(UnknownFieldSet.newBuilder()
                    .addField(COMPARE_LEASE_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(leaseId()).build())
                    .build());
            default -> {
                // No union case at all.
            }
        }
        return compare.build();
    }

    private RequestOp op(int depth) {
        RequestOp.Builder op = RequestOp.newBuilder();
        switch (random.nextInt(25)) {
            case 0, 1, 2, 3, 4, 5, 6 -> op.setRequestRange(range());
            case 7, 8, 9, 10, 11, 12 -> op.setRequestPut(put());
            case 13, 14, 15 -> op.setRequestDeleteRange(delete());
            case 16, 17, 18, 19, 20, 21, 22, 23 -> {
                if (depth < MAX_TXN_DEPTH) {
                    op.setRequestTxn(txn(depth + 1));
                } else {
                    op.setRequestRange(range());
                }
            }
            default -> {
                // An empty op: none of the oneof cases set.
            }
        }
        return op.build();
    }

    private CompactionRequest compaction() {
        long revision = switch (random.nextInt(8)) {
            case 0 -> -1 - random.nextInt(3);
            case 1 -> 0;
            case 2, 3 -> currentRevision;
            case 4 -> Math.max(1, currentRevision - 1 - random.nextInt(20));
            case 5 -> currentRevision + 1 + random.nextInt(100);
            case 6 -> Long.MAX_VALUE;
            default -> Long.MIN_VALUE;
        };
        return CompactionRequest.newBuilder().setRevision(revision).setPhysical(random.nextBoolean()).build();
    }

    private WatchSession watchSession() {
        List<byte[]> requests = new ArrayList<>();
        List<String> printable = new ArrayList<>();
        int creates = 0;
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            WatchRequest.Builder request = WatchRequest.newBuilder();
            int pick = random.nextInt(20);
            if (pick < 12) {
                request.setCreateRequest(watchCreate());
                creates++;
            } else if (pick < 17) {
                long id = random.nextBoolean() ? random.nextInt(4) : pickOf(EDGE_WATCH_IDS);
                request.setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id));
            } else if (pick < 19) {
                request.setProgressRequest(WatchProgressRequest.getDefaultInstance());
            }
            // else: a request with no case of the union set, which etcd ignores.
            WatchRequest built = request.build();
            requests.add(built.toByteArray());
            printable.add(printable(built));
        }
        return new WatchSession("watch", requests, creates, false, printable.toString());
    }

    private WatchCreateRequest watchCreate() {
        ByteString key = key();
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd(key))
                .setProgressNotify(random.nextInt(4) == 0).setPrevKv(random.nextBoolean());
        if (random.nextBoolean()) {
            create.setStartRevision(revision());
        }
        int filters = random.nextInt(3);
        for (int i = 0; i < filters; i++) {
            create.addFiltersValue(enumNumber(2));
        }
        UnknownFieldSet.Builder extra = UnknownFieldSet.newBuilder();
        if (random.nextInt(3) == 0) {
            extra.addField(WATCH_ID_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(
                    random.nextBoolean() ? random.nextInt(4) : pickOf(EDGE_WATCH_IDS)).build());
        }
        if (random.nextInt(8) == 0) {
            extra.addField(FRAGMENT_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(1).build());
        }
        return create.setUnknownFields(extra.build()).build();
    }

    /** The barrier that ends every watch session: a plain create with a watch ID nothing else uses. */
    static byte[] watchBarrier() {
        return WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(bytes("fz/barrier"))
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(WATCH_ID_FIELD,
                        UnknownFieldSet.Field.newBuilder().addVarint(BARRIER_WATCH_ID).build()).build()))
                .build().toByteArray();
    }

    private static boolean isCreate(byte[] watchRequest) {
        try {
            return WatchRequest.parseFrom(watchRequest).hasCreateRequest();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an unmutated watch request does not parse", e);
        }
    }

    private ByteString key() {
        int pick = random.nextInt(200);
        if (pick < 157) {
            return bytes(PREFIXES.get(random.nextInt(PREFIXES.size())) + random.nextInt(6));
        } else if (pick < 165) {
            return ByteString.EMPTY;
        } else if (pick < 175) {
            return bytes(PREFIXES.get(random.nextInt(PREFIXES.size())));
        } else if (pick < 199) {
            return ODD_KEYS.get(random.nextInt(ODD_KEYS.size()));
        }
        return huge("fz/h/" + random.nextInt(2) + "/", HUGE_SIZES[random.nextInt(HUGE_SIZES.length)]);
    }

    private ByteString rangeEnd(ByteString key) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> ByteString.EMPTY;
            case 4 -> bytes("\0");
            case 5 -> prefixEnd(key);
            case 6 -> below(key);
            case 7 -> key;
            case 8 -> key();
            default -> random.nextBoolean() ? ODD_KEYS.get(3) : huge("fz/z", 64 * 1024);
        };
    }

    private ByteString value() {
        int pick = random.nextInt(200);
        if (pick < 150) {
            return bytes("v" + random.nextInt(1000));
        } else if (pick < 175) {
            return ByteString.EMPTY;
        } else if (pick < 199) {
            return huge("", 1 + random.nextInt(64 * 1024));
        }
        return huge("", random.nextBoolean() ? MAX_REQUEST_BYTES - 8192 : MAX_REQUEST_BYTES + 1024);
    }

    private long revision() {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Long.MIN_VALUE;
            case 3 -> Long.MAX_VALUE;
            case 4 -> 1;
            case 5 -> currentRevision;
            case 6 -> currentRevision + 1 + random.nextInt(3);
            case 7 -> Math.max(1, currentRevision - random.nextInt(50));
            case 8 -> 2 + random.nextInt(10);
            default -> random.nextLong();
        };
    }

    private long limit() {
        return switch (random.nextInt(7)) {
            case 0 -> 1;
            case 1 -> 2;
            case 2 -> -1;
            case 3 -> Long.MIN_VALUE;
            case 4 -> Long.MAX_VALUE;
            default -> random.nextInt(10);
        };
    }

    /** A lease ID: one granted earlier, or an edge value none was granted under. */
    private long leaseId() {
        if (!grantedLeases.isEmpty() && random.nextBoolean()) {
            return grantedLeases.get(random.nextInt(grantedLeases.size()));
        }
        return random.nextInt(4) == 0 ? 0 : pickOf(EDGE_IDS);
    }

    /** Mostly a defined number of an enum with {@code defined} values; sometimes one no proto defines. */
    private int enumNumber(int defined) {
        if (random.nextInt(6) != 0) {
            return random.nextInt(defined);
        }
        int[] undefined = {defined, defined + 1, 99, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
        return undefined[random.nextInt(undefined.length)];
    }

    private byte[] mutate(byte[] original) {
        byte[] bytes = original;
        int rounds = 1 + random.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            bytes = mutateOnce(bytes);
        }
        return bytes;
    }

    private byte[] mutateOnce(byte[] in) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length);
        switch (random.nextInt(8)) {
            case 0 -> {
                if (in.length == 0) {
                    return randomBytes(1 + random.nextInt(8));
                }
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1 -> {
                if (in.length == 0) {
                    return randomBytes(1 + random.nextInt(8));
                }
                byte[] out = in.clone();
                byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, (byte) random.nextInt(256)};
                out[at] = interesting[random.nextInt(interesting.length)];
                return out;
            }
            case 2 -> {
                return splice(in, at, at, randomBytes(1 + random.nextInt(8)));
            }
            case 3 -> {
                return splice(in, at, Math.min(in.length, at + 1 + random.nextInt(8)), new byte[0]);
            }
            case 4 -> {
                return Arrays.copyOf(in, at);
            }
            case 5 -> {
                int end = Math.min(in.length, at + 1 + random.nextInt(16));
                return splice(in, end, end, Arrays.copyOfRange(in, at, end));
            }
            case 6 -> {
                // A field with a random number and any wire type, including the group types (3, 4) and the
                // undefined ones (6, 7), followed by a few random bytes.
                int tag = ((1 + random.nextInt(20)) << 3) | random.nextInt(8);
                return splice(in, in.length, in.length, concat(new byte[]{(byte) tag}, randomBytes(random.nextInt(6))));
            }
            default -> {
                return randomBytes(random.nextInt(33));
            }
        }
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private long pickOf(long[] values) {
        return values[random.nextInt(values.length)];
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return splice(a, a.length, a.length, b);
    }

    private static ByteString prefixEnd(ByteString key) {
        byte[] end = key.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return bytes("\0");
    }

    /** A range end that sorts before the key (empty when nothing does, which means "the key alone"). */
    private static ByteString below(ByteString key) {
        if (key.isEmpty()) {
            return ByteString.EMPTY;
        }
        byte[] lower = key.toByteArray();
        int last = lower.length - 1;
        if (lower[last] == 0) {
            return ByteString.copyFrom(lower, 0, last);
        }
        lower[last]--;
        return ByteString.copyFrom(lower);
    }

    private static ByteString huge(String prefix, int size) {
        byte[] bytes = new byte[Math.max(size, prefix.length())];
        Arrays.fill(bytes, (byte) 'x');
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return ByteString.copyFrom(bytes);
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.ISO_8859_1);
    }

    /** The request as text, runs of one character (the filling of huge keys and values) cut short. */
    private static String printable(Message message) {
        String text = TextFormat.printer().emittingSingleLine(true).printToString(message);
        Matcher run = LONG_RUN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (run.find()) {
            run.appendReplacement(out, Matcher.quoteReplacement(run.group(1).repeat(8) + "...(" + run.group().length()
                    + " times " + run.group(1) + ")"));
        }
        run.appendTail(out);
        return out.length() > 4000 ? out.substring(0, 4000) + "... (" + out.length() + " chars)" : out.toString();
    }

    private static String hex(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 256));
        return bytes.length > 256 ? hex + "... (" + bytes.length + " bytes)" : hex;
    }
}
