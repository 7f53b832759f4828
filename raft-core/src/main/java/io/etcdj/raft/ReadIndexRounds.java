package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.raft.quorum.MajorityConfig;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader's ReadIndex bookkeeping (Raft thesis §6.4): each read request records the commit
 * index at arrival and opens a numbered heartbeat round; a round is confirmed once a quorum of
 * voters answered a heartbeat of that round or a later one (a later answer proves the leader was
 * still leading after the earlier round started). Confirming a round answers every read queued up
 * to it, so one heartbeat round serves every read waiting (batching).
 *
 * <p>Rounds are our own numbers carried in the heartbeat context, not the callers' contexts, so two
 * members issuing reads with equal contexts cannot confuse each other.
 */
final class ReadIndexRounds {
    /** A read waiting for its round: answer {@code context} to {@code from} with {@code index}. */
    record Request(long index, long from, ByteString context, long round) {
    }

    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final Map<Long, Long> highestAckedRound = new HashMap<>();
    /** Monotonic over the node's life, so an answer to another leadership's round never matches. */
    private long lastRound;

    /** Queues a read at {@code index} and returns the heartbeat round that will confirm it. */
    long add(long index, long from, ByteString context) {
        lastRound++;
        waiting.addLast(new Request(index, from, context, lastRound));
        return lastRound;
    }

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    /** The round a periodic heartbeat should carry, or 0 when no read waits. */
    long roundToConfirm() {
        return waiting.isEmpty() ? 0 : lastRound;
    }

    /**
     * {@code from} answered a heartbeat of {@code round}; returns the reads now confirmed, oldest
     * first. The leader ({@code self}) counts as having answered every round it opened.
     */
    List<Request> ack(long from, long round, MajorityConfig voters, long self) {
        if (waiting.isEmpty() || round <= 0 || round > lastRound) {
            return List.of();
        }
        highestAckedRound.merge(from, round, Math::max);
        long confirmed = voters.committedIndex(id -> id == self ? lastRound : highestAckedRound.getOrDefault(id, 0L));
        List<Request> done = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peekFirst().round() <= confirmed) {
            done.add(waiting.pollFirst());
        }
        return done;
    }

    /** Leadership ended or began: waiting reads are dropped (their callers time out and retry). */
    void reset() {
        waiting.clear();
        highestAckedRound.clear();
    }

    static ByteString encode(long round) {
        return ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(round).array());
    }

    /** The round a heartbeat context names, or 0 when it names none. */
    static long decode(ByteString context) {
        return context.size() == Long.BYTES ? context.asReadOnlyByteBuffer().getLong() : 0;
    }
}
