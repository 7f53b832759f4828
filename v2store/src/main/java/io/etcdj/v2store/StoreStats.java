package io.etcdj.v2store;

/**
 * A snapshot of etcd's v2 store counters, in the field order of {@code /v2/stats/store}
 * (see {@link V2Json#stats(StoreStats)}). {@code watchers} is the number of registered watchers.
 */
public record StoreStats(long getsSuccess, long getsFail, long setsSuccess, long setsFail,
                         long deleteSuccess, long deleteFail, long updateSuccess, long updateFail,
                         long createSuccess, long createFail, long compareAndSwapSuccess,
                         long compareAndSwapFail, long compareAndDeleteSuccess, long compareAndDeleteFail,
                         long expireCount, long watchers) {
}
