package io.etcdj.server.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raft traffic counters behind etcd's {@code /v2/stats/self} and {@code /v2/stats/leader}: append
 * requests sent and received, and per follower the leader's round-trip latency (heartbeat to its
 * response) with success and failure counts — etcd's FollowerStats, measured on Raft's own
 * heartbeats. Updated by the Raft loop, read from any thread.
 */
public final class PeerStats {
    private final AtomicLong sentAppends = new AtomicLong();
    private final AtomicLong receivedAppends = new AtomicLong();
    private final Map<Long, Long> heartbeatSentAt = new ConcurrentHashMap<>();
    private final Map<Long, Follower> followers = new ConcurrentHashMap<>();

    public void appendSent() {
        sentAppends.incrementAndGet();
    }

    public void appendReceived() {
        receivedAppends.incrementAndGet();
    }

    public long sentAppends() {
        return sentAppends.get();
    }

    public long receivedAppends() {
        return receivedAppends.get();
    }

    /** A heartbeat left for {@code peer}; the first one outstanding is timed. */
    public void heartbeatSent(long peer, long nanoTime) {
        heartbeatSentAt.putIfAbsent(peer, nanoTime);
    }

    /** {@code peer} answered a heartbeat: one successful round trip; returns its nanoseconds, or -1 if untimed. */
    public long heartbeatAnswered(long peer, long nanoTime) {
        Long sent = heartbeatSentAt.remove(peer);
        if (sent == null) {
            return -1;
        }
        followers.computeIfAbsent(peer, p -> new Follower()).success((nanoTime - sent) / 1_000_000.0);
        return nanoTime - sent;
    }

    /** {@code peer} could not be reached. */
    public void failed(long peer) {
        heartbeatSentAt.remove(peer);
        followers.computeIfAbsent(peer, p -> new Follower()).fail();
    }

    /** Forgets a removed member. */
    public void forget(long peer) {
        heartbeatSentAt.remove(peer);
        followers.remove(peer);
    }

    /** A copy of every follower's figures, by ID (unsigned order). */
    public Map<Long, Follower.Snapshot> followers() {
        Map<Long, Follower.Snapshot> out = new TreeMap<>(Long::compareUnsigned);
        followers.forEach((id, f) -> out.put(id, f.snapshot()));
        return out;
    }

    /** etcd's FollowerStats: latency in milliseconds, running mean and standard deviation. */
    public static final class Follower {
        private long success;
        private long fail;
        private double current;
        private double average;
        private double averageSquare;
        private double minimum = Math.pow(2, 63);  // etcd starts its minimum at 1<<63
        private double maximum;

        /** etcd's figures for one follower, as they appear in the JSON. */
        public record Snapshot(double current, double average, double standardDeviation, double minimum,
                               double maximum, long fail, long success) {
        }

        synchronized void success(double millis) {
            double total = success * average;
            double totalSquare = success * averageSquare;
            success++;
            current = millis;
            maximum = Math.max(maximum, millis);
            minimum = Math.min(minimum, millis);
            average = (total + millis) / success;
            averageSquare = (totalSquare + millis * millis) / success;
        }

        synchronized void fail() {
            fail++;
        }

        synchronized Snapshot snapshot() {
            double sd = Math.sqrt(Math.max(0, averageSquare - average * average));
            return new Snapshot(current, average, sd, minimum, maximum, fail, success);
        }
    }
}
