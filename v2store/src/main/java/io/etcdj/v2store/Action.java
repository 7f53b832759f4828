package io.etcdj.v2store;

/** The {@code action} of a v2 event, with etcd's wire name. */
public enum Action {
    GET("get"),
    CREATE("create"),
    SET("set"),
    UPDATE("update"),
    DELETE("delete"),
    COMPARE_AND_SWAP("compareAndSwap"),
    COMPARE_AND_DELETE("compareAndDelete"),
    EXPIRE("expire");

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    /** The string etcd writes in JSON, e.g. "compareAndSwap". */
    public String wireName() {
        return wireName;
    }

    /** The action with the given wire name. */
    public static Action fromWireName(String name) {
        for (Action a : values()) {
            if (a.wireName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown v2 action " + name);
    }
}
