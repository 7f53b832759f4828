package io.etcdj.spi.server;

import static io.etcdj.spi.server.StatusCode.*;

/**
 * The errors a client can see, with etcd's gRPC codes and exact messages
 * (etcd 3.4 {@code etcdserver/api/v3rpc/rpctypes/error.go}). Clients such as etcdctl and jetcd
 * match on the message text, so it must not change.
 */
public enum EtcdError {
    EMPTY_KEY(INVALID_ARGUMENT, "etcdserver: key is not provided"),
    KEY_NOT_FOUND(INVALID_ARGUMENT, "etcdserver: key not found"),
    VALUE_PROVIDED(INVALID_ARGUMENT, "etcdserver: value is provided"),
    LEASE_PROVIDED(INVALID_ARGUMENT, "etcdserver: lease is provided"),
    TOO_MANY_OPS(INVALID_ARGUMENT, "etcdserver: too many operations in txn request"),
    DUPLICATE_KEY(INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request"),
    COMPACTED(OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted"),
    FUTURE_REV(OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision"),
    NO_SPACE(RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded"),
    LEASE_NOT_FOUND(NOT_FOUND, "etcdserver: requested lease not found"),
    LEASE_EXIST(FAILED_PRECONDITION, "etcdserver: lease already exists"),
    LEASE_TTL_TOO_LARGE(OUT_OF_RANGE, "etcdserver: too large lease TTL"),
    WATCH_CANCELED(CANCELLED, "etcdserver: watch canceled"),
    MEMBER_EXIST(FAILED_PRECONDITION, "etcdserver: member ID already exist"),
    PEER_URL_EXIST(FAILED_PRECONDITION, "etcdserver: Peer URLs already exists"),
    MEMBER_NOT_ENOUGH_STARTED(FAILED_PRECONDITION, "etcdserver: re-configuration failed due to not enough started members"),
    MEMBER_BAD_URLS(INVALID_ARGUMENT, "etcdserver: given member URLs are invalid"),
    MEMBER_NOT_FOUND(NOT_FOUND, "etcdserver: member not found"),
    MEMBER_NOT_LEARNER(FAILED_PRECONDITION, "etcdserver: can only promote a learner member"),
    LEARNER_NOT_READY(FAILED_PRECONDITION, "etcdserver: can only promote a learner member which is in sync with leader"),
    TOO_MANY_LEARNERS(FAILED_PRECONDITION, "etcdserver: too many learner members in cluster"),
    REQUEST_TOO_LARGE(INVALID_ARGUMENT, "etcdserver: request is too large"),
    TOO_MANY_REQUESTS(RESOURCE_EXHAUSTED, "etcdserver: too many requests"),
    ROOT_USER_NOT_EXIST(FAILED_PRECONDITION, "etcdserver: root user does not exist"),
    ROOT_ROLE_NOT_EXIST(FAILED_PRECONDITION, "etcdserver: root user does not have root role"),
    USER_ALREADY_EXIST(FAILED_PRECONDITION, "etcdserver: user name already exists"),
    USER_EMPTY(INVALID_ARGUMENT, "etcdserver: user name is empty"),
    USER_NOT_FOUND(FAILED_PRECONDITION, "etcdserver: user name not found"),
    ROLE_ALREADY_EXIST(FAILED_PRECONDITION, "etcdserver: role name already exists"),
    ROLE_NOT_FOUND(FAILED_PRECONDITION, "etcdserver: role name not found"),
    ROLE_EMPTY(INVALID_ARGUMENT, "etcdserver: role name is empty"),
    AUTH_FAILED(INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password"),
    PERMISSION_DENIED_ERR(PERMISSION_DENIED, "etcdserver: permission denied"),
    ROLE_NOT_GRANTED(FAILED_PRECONDITION, "etcdserver: role is not granted to the user"),
    PERMISSION_NOT_GRANTED(FAILED_PRECONDITION, "etcdserver: permission is not granted to the role"),
    AUTH_NOT_ENABLED(FAILED_PRECONDITION, "etcdserver: authentication is not enabled"),
    INVALID_AUTH_TOKEN(UNAUTHENTICATED, "etcdserver: invalid auth token"),
    INVALID_AUTH_MGMT(INVALID_ARGUMENT, "etcdserver: invalid auth management"),
    AUTH_OLD_REVISION(INVALID_ARGUMENT, "etcdserver: revision of auth store is old"),
    NO_LEADER(UNAVAILABLE, "etcdserver: no leader"),
    NOT_LEADER(FAILED_PRECONDITION, "etcdserver: not leader"),
    LEADER_CHANGED(UNAVAILABLE, "etcdserver: leader changed"),
    NOT_CAPABLE(UNAVAILABLE, "etcdserver: not capable"),
    STOPPED(UNAVAILABLE, "etcdserver: server stopped"),
    TIMEOUT(UNAVAILABLE, "etcdserver: request timed out"),
    TIMEOUT_DUE_TO_LEADER_FAIL(UNAVAILABLE, "etcdserver: request timed out, possibly due to previous leader failure"),
    TIMEOUT_DUE_TO_CONNECTION_LOST(UNAVAILABLE, "etcdserver: request timed out, possibly due to connection lost"),
    TIMEOUT_WAIT_APPLIED_INDEX(UNAVAILABLE, "etcdserver: request timed out, waiting for the applied index took too long"),
    UNHEALTHY(UNAVAILABLE, "etcdserver: unhealthy cluster"),
    CORRUPT(DATA_LOSS, "etcdserver: corrupt cluster"),
    NOT_SUPPORTED_FOR_LEARNER(UNAVAILABLE, "etcdserver: rpc not supported for learner"),
    BAD_LEADER_TRANSFEREE(FAILED_PRECONDITION, "etcdserver: bad leader transferee"),
    /** Not in etcd's gRPC error table, so its gRPC layer sends it with code Unknown. */
    TIMEOUT_LEADER_TRANSFER(UNKNOWN, "etcdserver: request timed out, leader transfer took too long"),
    /** etcd's range/sort validation in {@code v3rpc/key.go}. */
    INVALID_SORT_OPTION(INVALID_ARGUMENT, "etcdserver: invalid sort option"),
    /** A feature of etcd that etcdj does not implement yet: said plainly instead of a wrong answer. */
    NOT_IMPLEMENTED(UNIMPLEMENTED, "etcdj: not implemented yet");

    private final StatusCode code;
    private final String message;

    EtcdError(StatusCode code, String message) {
        this.code = code;
        this.message = message;
    }

    public StatusCode code() {
        return code;
    }

    public String message() {
        return message;
    }

    public EtcdException exception() {
        return new EtcdException(this);
    }
}
