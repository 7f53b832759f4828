package io.etcdj.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.etcdj.api.authpb.Permission;
import io.etcdj.api.etcdserverpb.AlarmType;
import io.etcdj.api.etcdserverpb.AuthGrpc;
import io.etcdj.api.etcdserverpb.ClusterGrpc;
import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.LeaseGrpc;
import io.etcdj.api.etcdserverpb.MaintenanceGrpc;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.StatusResponse;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchGrpc;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.v3electionpb.ElectionGrpc;
import io.etcdj.api.v3lockpb.LockGrpc;
import org.junit.jupiter.api.Test;

/** Spot checks of the etcd 3.4 wire contract; expected values come from etcd v3.4's .proto files. */
class WireContractTest {

    private static void field(Descriptor d, String name, int number, FieldDescriptor.Type type) {
        FieldDescriptor f = d.findFieldByName(name);
        assertEquals(number, f.getNumber(), d.getFullName() + "." + name + " number");
        assertEquals(type, f.getType(), d.getFullName() + "." + name + " type");
    }

    @Test
    void serviceAndMethodNames() {
        assertEquals("etcdserverpb.KV", KVGrpc.SERVICE_NAME);
        assertEquals("etcdserverpb.Watch", WatchGrpc.SERVICE_NAME);
        assertEquals("etcdserverpb.Lease", LeaseGrpc.SERVICE_NAME);
        assertEquals("etcdserverpb.Cluster", ClusterGrpc.SERVICE_NAME);
        assertEquals("etcdserverpb.Maintenance", MaintenanceGrpc.SERVICE_NAME);
        assertEquals("etcdserverpb.Auth", AuthGrpc.SERVICE_NAME);
        assertEquals("v3lockpb.Lock", LockGrpc.SERVICE_NAME);
        assertEquals("v3electionpb.Election", ElectionGrpc.SERVICE_NAME);
        assertEquals("etcdserverpb.KV/Range", KVGrpc.getRangeMethod().getFullMethodName());
        assertEquals("etcdserverpb.Watch/Watch", WatchGrpc.getWatchMethod().getFullMethodName());
        assertEquals("etcdserverpb.Lease/LeaseKeepAlive", LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName());
        assertEquals("etcdserverpb.Maintenance/HashKV", MaintenanceGrpc.getHashKVMethod().getFullMethodName());
        assertEquals("etcdserverpb.Auth/UserGrantRole", AuthGrpc.getUserGrantRoleMethod().getFullMethodName());
        assertEquals("v3electionpb.Election/Observe", ElectionGrpc.getObserveMethod().getFullMethodName());
    }

    @Test
    void kvMessages() {
        Descriptor range = RangeRequest.getDescriptor();
        assertEquals("etcdserverpb.RangeRequest", range.getFullName());
        field(range, "serializable", 7, FieldDescriptor.Type.BOOL);
        field(range, "sort_target", 6, FieldDescriptor.Type.ENUM);
        field(range, "max_create_revision", 13, FieldDescriptor.Type.INT64);

        Descriptor put = PutRequest.getDescriptor();
        field(put, "key", 1, FieldDescriptor.Type.BYTES);
        field(put, "value", 2, FieldDescriptor.Type.BYTES);
        field(put, "lease", 3, FieldDescriptor.Type.INT64);
        field(put, "prev_kv", 4, FieldDescriptor.Type.BOOL);
        field(put, "ignore_value", 5, FieldDescriptor.Type.BOOL);
        field(put, "ignore_lease", 6, FieldDescriptor.Type.BOOL);

        field(Compare.getDescriptor(), "lease", 8, FieldDescriptor.Type.INT64);
        field(Compare.getDescriptor(), "range_end", 64, FieldDescriptor.Type.BYTES);
        assertEquals(3, Compare.CompareResult.NOT_EQUAL.getNumber());
        assertEquals(2, AlarmType.CORRUPT.getNumber());
    }

    @Test
    void mvccMessages() {
        Descriptor kv = KeyValue.getDescriptor();
        assertEquals("mvccpb.KeyValue", kv.getFullName());
        field(kv, "key", 1, FieldDescriptor.Type.BYTES);
        field(kv, "create_revision", 2, FieldDescriptor.Type.INT64);
        field(kv, "mod_revision", 3, FieldDescriptor.Type.INT64);
        field(kv, "version", 4, FieldDescriptor.Type.INT64);
        field(kv, "value", 5, FieldDescriptor.Type.BYTES);
        field(kv, "lease", 6, FieldDescriptor.Type.INT64);
        field(Event.getDescriptor(), "prev_kv", 3, FieldDescriptor.Type.MESSAGE);
        assertEquals(1, Event.EventType.DELETE.getNumber());
        assertEquals(2, Permission.Type.READWRITE.getNumber());
    }

    @Test
    void watchAndStatusMessages() {
        Descriptor create = WatchCreateRequest.getDescriptor();
        field(create, "filters", 5, FieldDescriptor.Type.ENUM);
        field(create, "prev_kv", 6, FieldDescriptor.Type.BOOL);
        field(create, "watch_id", 7, FieldDescriptor.Type.INT64);
        field(create, "fragment", 8, FieldDescriptor.Type.BOOL);
        field(WatchResponse.getDescriptor(), "fragment", 7, FieldDescriptor.Type.BOOL);
        field(WatchResponse.getDescriptor(), "events", 11, FieldDescriptor.Type.MESSAGE);
        field(StatusResponse.getDescriptor(), "dbSizeInUse", 9, FieldDescriptor.Type.INT64);
        field(StatusResponse.getDescriptor(), "isLearner", 10, FieldDescriptor.Type.BOOL);
    }

    @Test
    void roundTripsThroughBytes() throws Exception {
        PutRequest put = PutRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))
                .setValue(com.google.protobuf.ByteString.copyFromUtf8("v"))
                .setLease(42).setPrevKv(true).build();
        // key=1 (LEN), value=2 (LEN), lease=3 (VARINT 42), prev_kv=4 (VARINT 1)
        byte[] expected = {0x0a, 1, 'k', 0x12, 1, 'v', 0x18, 42, 0x20, 1};
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, put.toByteArray());
        assertEquals(put, PutRequest.parseFrom(expected));
    }
}
