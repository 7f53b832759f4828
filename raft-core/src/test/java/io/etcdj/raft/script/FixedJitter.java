package io.etcdj.raft.script;

import java.util.random.RandomGenerator;

/**
 * The "random" source of a scripted node: the core draws its randomized election timeout as
 * {@code electionTicks + nextInt(electionTicks)}, so answering a constant makes that timeout
 * exactly {@code electionTicks + jitter} on every draw, and a transcript replays byte for byte.
 * The core uses randomness for nothing else.
 */
record FixedJitter(int jitter) implements RandomGenerator {
    FixedJitter {
        if (jitter < 0) {
            throw new ScriptException("jitter must not be negative, got " + jitter);
        }
    }

    @Override
    public int nextInt(int bound) {
        if (jitter >= bound) {
            throw new ScriptException("jitter " + jitter + " must be below the election ticks (" + bound + ")");
        }
        return jitter;
    }

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("a scripted node draws nothing but its election jitter");
    }
}
