package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many watchers, through raw gRPC streams: every watcher receives every event of its range exactly once
 * and in revision order, whether 10,000 watchers share one stream or are spread over 100 streams; and a
 * client that stops reading its stream does not hold up writes or other watchers, and gets all its events
 * in order once it reads again (etcd parks such watchers as "victims" and catches them up from history).
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WatchScaleTest {

    private static final int WATCHERS = 10_000;
    private static final int WRITES = 200;
    private static final Duration CREATE_WAIT = Duration.ofSeconds(30);
    private static final Duration EVENTS_WAIT = Duration.ofSeconds(60);
    /** Every single write must complete within this, stalled reader or not. */
    private static final Duration WRITE_DEADLINE = Duration.ofSeconds(10);

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static ManagedChannel channel;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("watch-scale", variant);
        // Responses are counted on the transport thread: no hand-off per message to an executor.
        channel = channelBuilder().directExecutor().build();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        Grpc.close(channel);
        channel = null;
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void tenThousandWatchersOnOneStreamEachSeeEveryEventInOrder() {
        long first = currentRevision() + 1;
        try (CountingWatchStream stream = CountingWatchStream.reading(channel, utf8("one/"), utf8("one0"), WATCHERS,
                first, WRITES)) {
            stream.awaitCreated(CREATE_WAIT);
            write("one/", first, WRITES, 16);
            stream.awaitAllEvents(EVENTS_WAIT);
            assertEquals((long) WATCHERS * WRITES, stream.eventsReceived());
        }
    }

    @Test
    void tenThousandWatchersOverAHundredStreamsEachSeeEveryEventInOrder() {
        long first = currentRevision() + 1;
        List<CountingWatchStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                streams.add(CountingWatchStream.reading(channel, utf8("many/"), utf8("many0"), WATCHERS / 100, first,
                        WRITES));
            }
            streams.forEach(s -> s.awaitCreated(CREATE_WAIT));
            write("many/", first, WRITES, 16);
            long total = 0;
            for (CountingWatchStream stream : streams) {
                stream.awaitAllEvents(EVENTS_WAIT);
                total += stream.eventsReceived();
            }
            assertEquals((long) WATCHERS * WRITES, total);
        } finally {
            streams.forEach(CountingWatchStream::close);
        }
    }

    @Test
    void aStreamThatStopsReadingHoldsUpNeitherWritesNorOtherWatchers() {
        int watchers = 100;
        int writes = 300;
        long first = currentRevision() + 1;
        // A small, fixed flow-control window: the stalled stream pushes back on the server after 64 KiB.
        ManagedChannel slowChannel = channelWithWindow(64 * 1024);
        try (CountingWatchStream stalled = CountingWatchStream.stalled(slowChannel, utf8("stall/"), utf8("stall0"),
                watchers, first, writes);
             CountingWatchStream healthy = CountingWatchStream.reading(channel, utf8("stall/"), utf8("stall0"),
                     watchers, first, writes)) {
            stalled.awaitCreated(CREATE_WAIT);
            healthy.awaitCreated(CREATE_WAIT);

            // 100 watchers x 300 events of 1 KiB: some 30 MB for the stalled stream, far beyond any buffer.
            write("stall/", first, writes, 1024);
            healthy.awaitAllEvents(EVENTS_WAIT);
            assertEquals(0, stalled.eventsReceived(), "the stalled stream really read nothing");
            assertTrue(stalled.errors().isEmpty(), stalled.errors()::toString);

            stalled.resume();
            stalled.awaitAllEvents(EVENTS_WAIT);
            assertEquals((long) watchers * writes, stalled.eventsReceived());
        } finally {
            Grpc.close(slowChannel);
        }
    }

    /**
     * Puts {@code count} values under {@code prefix}, one at a time, each bounded by {@link #WRITE_DEADLINE},
     * and checks they take the consecutive revisions from {@code first}, as the watchers expect.
     */
    private static void write(String prefix, long first, int count, int valueBytes) {
        ByteString value = ByteString.copyFromUtf8("v".repeat(valueBytes));
        for (int i = 0; i < count; i++) {
            long revision = KVGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(WRITE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .put(PutRequest.newBuilder().setKey(utf8(prefix + (i % 10))).setValue(value).build())
                    .getHeader().getRevision();
            assertEquals(first + i, revision, "another writer interfered with the test");
        }
    }

    private static long currentRevision() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .range(RangeRequest.newBuilder().setKey(utf8("revision-probe")).build()).getHeader().getRevision();
    }

    private static ManagedChannel channelWithWindow(int bytes) {
        return channelBuilder().flowControlWindow(bytes).build();
    }

    private static NettyChannelBuilder channelBuilder() {
        String[] hostPort = server.endpoint().split(":");
        return NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext();
    }

    private static ByteString utf8(String text) {
        return ByteString.copyFromUtf8(text);
    }
}
