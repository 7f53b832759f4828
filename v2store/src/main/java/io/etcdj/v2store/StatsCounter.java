package io.etcdj.v2store;

/** The store's mutable counters (etcd's {@code Stats}); guarded by the store lock. */
final class StatsCounter {
    enum Stat {
        GETS_SUCCESS, GETS_FAIL, SETS_SUCCESS, SETS_FAIL, DELETE_SUCCESS, DELETE_FAIL,
        UPDATE_SUCCESS, UPDATE_FAIL, CREATE_SUCCESS, CREATE_FAIL, CAS_SUCCESS, CAS_FAIL,
        CAD_SUCCESS, CAD_FAIL, EXPIRE_COUNT
    }

    private final long[] counts = new long[Stat.values().length];
    /**
     * etcd keeps the watcher count last written by {@code JsonStats} in its Stats struct, and that
     * stale value is what snapshots carry; kept for format fidelity only.
     */
    private long reportedWatchers;

    void inc(Stat s) {
        counts[s.ordinal()]++;
    }

    long get(Stat s) {
        return counts[s.ordinal()];
    }

    long reportedWatchers() {
        return reportedWatchers;
    }

    void setReportedWatchers(long w) {
        reportedWatchers = w;
    }

    StatsCounter copy() {
        StatsCounter c = new StatsCounter();
        System.arraycopy(counts, 0, c.counts, 0, counts.length);
        c.reportedWatchers = reportedWatchers;
        return c;
    }

    StoreStats snapshot(long watchers) {
        return new StoreStats(get(Stat.GETS_SUCCESS), get(Stat.GETS_FAIL), get(Stat.SETS_SUCCESS),
                get(Stat.SETS_FAIL), get(Stat.DELETE_SUCCESS), get(Stat.DELETE_FAIL), get(Stat.UPDATE_SUCCESS),
                get(Stat.UPDATE_FAIL), get(Stat.CREATE_SUCCESS), get(Stat.CREATE_FAIL), get(Stat.CAS_SUCCESS),
                get(Stat.CAS_FAIL), get(Stat.CAD_SUCCESS), get(Stat.CAD_FAIL), get(Stat.EXPIRE_COUNT), watchers);
    }

    static StatsCounter of(StoreStats s) {
        StatsCounter c = new StatsCounter();
        long[] v = {s.getsSuccess(), s.getsFail(), s.setsSuccess(), s.setsFail(), s.deleteSuccess(),
                s.deleteFail(), s.updateSuccess(), s.updateFail(), s.createSuccess(), s.createFail(),
                s.compareAndSwapSuccess(), s.compareAndSwapFail(), s.compareAndDeleteSuccess(),
                s.compareAndDeleteFail(), s.expireCount()};
        System.arraycopy(v, 0, c.counts, 0, v.length);
        c.reportedWatchers = s.watchers();
        return c;
    }
}
