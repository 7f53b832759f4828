package io.etcdj.raft.sim;

/** A broken Raft property (or a crash of the core) found by the simulator, with the seed that replays it. */
public final class SafetyViolation extends RuntimeException {
    private final long seed;
    private final String property;

    public SafetyViolation(long seed, String property, String detail, Throwable cause) {
        super("seed " + seed + ": " + property + ": " + detail, cause);
        this.seed = seed;
        this.property = property;
    }

    public long seed() {
        return seed;
    }

    /** Which property broke: one of the constants in {@link SafetyChecker}, or "liveness", or "core exception". */
    public String property() {
        return property;
    }
}
