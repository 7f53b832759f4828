/**
 * etcdj api: the etcd 3.4 wire contract (protobuf messages and gRPC stubs) plus etcdj's internal
 * Raft and proposal formats. Everything here is generated from src/main/proto.
 */
module io.etcdj.api {
    requires transitive com.google.protobuf;
    requires transitive io.grpc;
    // Generated *Grpc classes expose types of these (AbstractStub, ProtoMethodDescriptorSupplier, ...).
    requires transitive io.grpc.stub;
    requires transitive io.grpc.protobuf;
    // *Grpc futureStubs return guava ListenableFuture.
    requires transitive com.google.common;

    // etcd wire contract (etcd 3.4)
    exports io.etcdj.api.etcdserverpb;
    exports io.etcdj.api.mvccpb;
    exports io.etcdj.api.authpb;
    exports io.etcdj.api.v3lockpb;
    exports io.etcdj.api.v3electionpb;
    // etcdj internal formats
    exports io.etcdj.api.raftpb;
    exports io.etcdj.api.serverpb;
}
