package io.etcdj.raft;

/** Lets tests outside this package (the simulator) switch on a deliberate defect in a node. */
public final class TestHooks {
    private TestHooks() {
    }

    /** @param bug the name of an {@link InjectedBug} */
    public static void injectBug(RawNode node, String bug) {
        node.injectBug(InjectedBug.valueOf(bug));
    }
}
