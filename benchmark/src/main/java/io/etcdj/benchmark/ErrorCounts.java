package io.etcdj.benchmark;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Failed requests counted by message; thread-safe. Messages follow Go's grpc form, as etcd's benchmark prints them. */
final class ErrorCounts {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void add(String message) {
        counts.computeIfAbsent(message, m -> new LongAdder()).increment();
    }

    void add(Throwable error) {
        add(messageOf(error));
    }

    static String messageOf(Throwable error) {
        Status status = Status.fromThrowable(error);
        if (status.getCode() == Status.Code.UNKNOWN && status.getDescription() == null) {
            return String.valueOf(error);
        }
        return "rpc error: code = " + goCodeName(status.getCode()) + " desc = " + status.getDescription();
    }

    /** grpc-go names codes in CamelCase (DeadlineExceeded); grpc-java in UPPER_SNAKE. */
    private static String goCodeName(Status.Code code) {
        StringBuilder name = new StringBuilder();
        for (String part : code.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.toString();
    }

    /** Counts by message, sorted by message. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((message, n) -> copy.put(message, n.sum()));
        return copy;
    }
}
