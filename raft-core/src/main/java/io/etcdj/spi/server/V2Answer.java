package io.etcdj.spi.server;

/**
 * What the server answers a v2 keys request with: a complete response, or a watch that will
 * produce one (long poll) or several (stream) events. The HTTP front end turns either into etcd's
 * response; the JSON bodies are etcd's, byte for byte, produced by the server.
 */
public sealed interface V2Answer permits V2Answer.Result, V2Answer.Watch {
    /**
     * A finished answer: etcd's HTTP status and JSON body (an event or a v2 error, each ending in a
     * newline as etcd writes them), and the values of etcd's headers.
     *
     * @param etcdIndex value of {@code X-Etcd-Index}
     * @param raftIndex value of {@code X-Raft-Index}
     * @param raftTerm  value of {@code X-Raft-Term}
     */
    record Result(int status, byte[] body, long etcdIndex, long raftIndex, long raftTerm) implements V2Answer {
    }

    /**
     * A v2 watch ({@code wait=true}): answered with status 200 and the headers as soon as it is
     * established; each event then arrives through {@link #poll}. A long poll ends after its first
     * event; a stream ({@code stream=true}) goes on until closed, by the client or by the server
     * (a stream that falls too far behind is closed by the server, as etcd drops slow watchers).
     */
    non-sealed interface Watch extends V2Answer, AutoCloseable {
        long etcdIndex();

        long raftIndex();

        long raftTerm();

        /** The next event's JSON body (with its trailing newline), or null when none is waiting. */
        byte[] poll();

        /** True once no further event will come (a long poll delivered its event, or the watch was closed). */
        boolean isDone();

        /** Called (on any thread, never while a lock is held) when an event is waiting or the watch ended. */
        void setListener(Runnable listener);

        /** The client went away: releases the watcher. */
        @Override
        void close();
    }
}
