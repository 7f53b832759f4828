package io.etcdj.verify.kv;

/**
 * What etcd answered to a {@link KvOp}. Revisions come from the response header ({@code revision}) and the
 * returned key-value ({@code createRevision}, {@code modRevision}, {@code version}). {@link KvRegisterModel}
 * ignores every revision field; {@link KvStoreModel} checks all of them.
 */
public sealed interface KvResult {

    /** The store revision in the response header. */
    long revision();

    /** Answer to {@link KvOp.Put}: the revision the put created. */
    record PutResult(long revision) implements KvResult {
        @Override
        public String toString() {
            return "ok@" + revision;
        }
    }

    /**
     * Answer to {@link KvOp.Get}; {@code value == null} when the key is absent, and then the key's revisions and
     * version are 0.
     */
    record GetResult(String value, long createRevision, long modRevision, long version, long revision)
            implements KvResult {
        /** An absent key read at store revision {@code revision}. */
        public static GetResult absent(long revision) {
            return new GetResult(null, 0, 0, 0, revision);
        }

        /** A value read where only the value matters ({@link KvRegisterModel}); every revision field is 0. */
        public static GetResult valueOnly(String value) {
            return new GetResult(value, 0, 0, 0, 0);
        }

        @Override
        public String toString() {
            return value == null ? "<absent>@" + revision
                    : value + "(c" + createRevision + " m" + modRevision + " v" + version + ")@" + revision;
        }
    }

    /** Answer to {@link KvOp.Delete}: how many keys were deleted (0 or 1). */
    record DeleteResult(long deleted, long revision) implements KvResult {
        @Override
        public String toString() {
            return "deleted " + deleted + "@" + revision;
        }
    }

    /** Answer to {@link KvOp.CompareAndSet}: whether the compare held and the put ran. */
    record CasResult(boolean succeeded, long revision) implements KvResult {
        @Override
        public String toString() {
            return (succeeded ? "succeeded" : "failed") + "@" + revision;
        }
    }
}
