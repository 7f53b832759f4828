package io.etcdj.mvcc.watch;

import com.google.protobuf.CodedOutputStream;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.ReadTxn;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a queued {@link Outgoing} into wire responses on the consumer's thread (the work etcd's
 * {@code sendLoop} does): fills the header, adds each event's previous pair for a {@code prev_kv}
 * watcher, and splits responses larger than the byte limit.
 *
 * <p>Splitting follows etcd's {@code sendFragments} for a watcher that asked for
 * {@code fragment}: events are packed greedily, at least one per response, each response but the
 * last marked {@code fragment = true}. For any other watcher a revision's events always stay in one
 * response; a response covering several revisions (a catch-up batch) is split between revisions,
 * which etcd never needs because it sends each live revision alone.
 */
final class ResponseShaper {
    private static final int EVENTS_FIELD = WatchResponse.EVENTS_FIELD_NUMBER;

    private final MvccStore store;
    private final ResponseHeaders headers;
    private final int maxBytes;

    ResponseShaper(MvccStore store, ResponseHeaders headers, int maxBytes) {
        this.store = store;
        this.headers = headers;
        this.maxBytes = maxBytes;
    }

    List<WatchResponse> shape(Outgoing item) {
        return switch (item) {
            // etcd answers a compaction cancel with a header whose revision is 0 (left unset).
            case Outgoing.Message m -> List.of(m.body().toBuilder().setHeader(headers.header(
                    m.body().getCanceled() && m.body().getCompactRevision() != 0 ? 0 : m.revision())).build());
            case Outgoing.Events e -> shapeEvents(e);
        };
    }

    private List<WatchResponse> shapeEvents(Outgoing.Events item) {
        List<Event> events = item.prevKv() ? withPreviousPairs(item.events()) : item.events();
        WatchResponse base = WatchResponse.newBuilder()
                .setHeader(headers.header(item.revision()))
                .setWatchId(item.watchId())
                .build();
        int[] sizes = new int[events.size()];
        long total = base.getSerializedSize();
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = CodedOutputStream.computeMessageSize(EVENTS_FIELD, events.get(i));
            total += sizes[i];
        }
        if (total < maxBytes || events.size() < 2) {
            return List.of(base.toBuilder().addAllEvents(events).build());
        }
        return item.fragment() ? fragments(base, events, sizes) : byRevision(base, events, sizes);
    }

    /**
     * etcd's {@code sendFragments}: adds events while the response stays under the limit (the
     * {@code fragment} flag counted), always at least one.
     */
    private List<WatchResponse> fragments(WatchResponse base, List<Event> events, int[] sizes) {
        WatchResponse flagged = base.toBuilder().setFragment(true).build();
        int baseSize = flagged.getSerializedSize();
        List<WatchResponse> out = new ArrayList<>();
        int from = 0;
        while (from < events.size()) {
            int to = from;
            long size = baseSize;
            while (to < events.size()) {
                size += sizes[to];
                if (to > from && size >= maxBytes) {
                    break;
                }
                to++;
            }
            boolean last = to == events.size();
            out.add(flagged.toBuilder().setFragment(!last).addAllEvents(events.subList(from, to)).build());
            from = to;
        }
        return out;
    }

    /** Packs whole revisions while the response stays under the limit, always at least one revision. */
    private List<WatchResponse> byRevision(WatchResponse base, List<Event> events, int[] sizes) {
        int baseSize = base.getSerializedSize();
        List<WatchResponse> out = new ArrayList<>();
        int from = 0;
        while (from < events.size()) {
            int to = from;
            long size = baseSize;
            while (to < events.size()) {
                int revisionEnd = endOfRevision(events, to);
                long revisionSize = 0;
                for (int i = to; i < revisionEnd; i++) {
                    revisionSize += sizes[i];
                }
                if (to > from && size + revisionSize >= maxBytes) {
                    break;
                }
                size += revisionSize;
                to = revisionEnd;
            }
            out.add(base.toBuilder().addAllEvents(events.subList(from, to)).build());
            from = to;
        }
        return out;
    }

    private static int endOfRevision(List<Event> events, int start) {
        long revision = events.get(start).getKv().getModRevision();
        int end = start + 1;
        while (end < events.size() && events.get(end).getKv().getModRevision() == revision) {
            end++;
        }
        return end;
    }

    /**
     * Adds to each event the pair its key had just before it (read at {@code mod_revision - 1}),
     * except to a put that created the key, as etcd does. A previous pair already compacted away
     * is left out, as etcd does.
     */
    private List<Event> withPreviousPairs(List<Event> events) {
        List<Event> out = new ArrayList<>(events.size());
        try (ReadTxn txn = store.beginRead()) {
            for (Event event : events) {
                KeyValue kv = event.getKv();
                boolean creates = event.getType() == Event.EventType.PUT && kv.getCreateRevision() == kv.getModRevision();
                KeyValue previous = creates ? null : previousOrNull(txn, event);
                out.add(previous == null ? event : event.toBuilder().setPrevKv(previous).build());
            }
        }
        return out;
    }

    private static KeyValue previousOrNull(ReadTxn txn, Event event) {
        try {
            return txn.previousVersion(event.getKv().getKey(), event.getKv().getModRevision());
        } catch (EtcdException e) {
            if (e.error() == EtcdError.COMPACTED) {
                return null;
            }
            throw e;
        }
    }
}
