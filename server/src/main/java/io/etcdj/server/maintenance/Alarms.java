package io.etcdj.server.maintenance;

import io.etcdj.api.etcdserverpb.AlarmMember;
import io.etcdj.api.etcdserverpb.AlarmType;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's raised alarms (etcd's {@code alarm.AlarmStore}): changed only by applied
 * {@code AlarmRequest}s, persisted in the {@value #BUCKET} bucket with the applied index. While
 * NOSPACE is raised, the apply step refuses writes that add data (etcd's "maintenance mode": reads,
 * deletes and compaction still work).
 */
public final class Alarms {
    /** Backend bucket: member ID (8 bytes) + alarm type (4 bytes) to an empty value. */
    public static final String BUCKET = "alarm";

    private volatile List<AlarmMember> raised = List.of();
    private final Map<ByteBuffer, Boolean> dirty = new TreeMap<>();  // key -> present

    public static Alarms load(ReadView view) {
        Alarms a = new Alarms();
        a.reload(view);
        return a;
    }

    /** Replaces the alarms with those stored in {@code view} (after a snapshot from the leader). */
    public void reload(ReadView view) {
        dirty.clear();
        Alarms a = this;
        List<AlarmMember> list = new ArrayList<>();
        view.scan(BUCKET, new byte[0], null, (key, value) -> {
            ByteBuffer b = ByteBuffer.wrap(key);
            list.add(AlarmMember.newBuilder().setMemberID(b.getLong()).setAlarmValue(b.getInt()).build());
            return true;
        });
        a.publish(list);
    }

    public List<AlarmMember> list() {
        return raised;
    }

    public boolean isRaised(AlarmType type) {
        for (AlarmMember m : raised) {
            if (m.getAlarm() == type) {
                return true;
            }
        }
        return false;
    }

    /** Apply step: raises an alarm; true if it was not raised before. */
    public boolean activate(long memberId, AlarmType type) {
        AlarmMember m = AlarmMember.newBuilder().setMemberID(memberId).setAlarm(type).build();
        if (raised.contains(m)) {
            return false;
        }
        List<AlarmMember> next = new ArrayList<>(raised);
        next.add(m);
        publish(next);
        dirty.put(key(m), Boolean.TRUE);
        return true;
    }

    /** Apply step: clears an alarm; the alarm that was cleared, or null if it was not raised. */
    public AlarmMember deactivate(long memberId, AlarmType type) {
        AlarmMember m = AlarmMember.newBuilder().setMemberID(memberId).setAlarm(type).build();
        if (!raised.contains(m)) {
            return null;
        }
        List<AlarmMember> next = new ArrayList<>(raised);
        next.remove(m);
        publish(next);
        dirty.put(key(m), Boolean.FALSE);
        return m;
    }

    /** Adds the changes since the last call to the batch that also carries the applied index. */
    public void writeChanges(WriteBatch batch) {
        for (var e : dirty.entrySet()) {
            byte[] k = new byte[e.getKey().remaining()];
            e.getKey().duplicate().get(k);
            if (e.getValue()) {
                batch.put(BUCKET, k, new byte[0]);
            } else {
                batch.delete(BUCKET, k);
            }
        }
        dirty.clear();
    }

    private void publish(List<AlarmMember> list) {
        List<AlarmMember> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparing(AlarmMember::getMemberID, Long::compareUnsigned)
                .thenComparing(AlarmMember::getAlarmValue));
        raised = List.copyOf(sorted);
    }

    private static ByteBuffer key(AlarmMember m) {
        return ByteBuffer.allocate(12).putLong(m.getMemberID()).putInt(m.getAlarmValue()).flip();
    }

    /** etcd's text for an alarm in {@code Status.errors} and {@code etcdctl alarm list}. */
    public static String describe(AlarmMember m) {
        return "memberID:" + Long.toUnsignedString(m.getMemberID()) + " alarm:" + m.getAlarm().name() + " ";
    }
}
