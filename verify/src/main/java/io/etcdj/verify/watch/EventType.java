package io.etcdj.verify.watch;

/** The kind of a watch event, as etcd's {@code mvccpb.Event.EventType}. */
public enum EventType {
    PUT,
    DELETE
}
