package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.await;
import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Watches through jetcd 0.8, which opens one gRPC stream per watcher. */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class JetcdWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Client client;
    private static KV kv;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("jwatch", variant);
        client = Jetcd.client(server);
        kv = client.getKVClient();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void createdNotifyThenEventsWithPreviousValues() throws InterruptedException {
        Recorder recorder = new Recorder();
        long current = await(kv.get(bytes("jw/none"))).getHeader().getRevision();
        try (Watch.Watcher ignored = client.getWatchClient().watch(bytes("jw/"),
                WatchOption.builder().isPrefix(true).withPrevKV(true).withCreateNotify(true).build(), recorder)) {
            WatchResponse created = recorder.next();
            assertTrue(created.isCreatedNotify());
            assertEquals(current, created.getHeader().getRevision());

            long put = await(kv.put(bytes("jw/a"), bytes("1"))).getHeader().getRevision();
            await(kv.put(bytes("jw/a"), bytes("2")));
            await(kv.delete(bytes("jw/a")));

            List<WatchEvent> events = new ArrayList<>();
            while (events.size() < 3) {
                events.addAll(recorder.next().getEvents());
            }
            assertEquals(List.of(WatchEvent.EventType.PUT, WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE),
                    events.stream().map(WatchEvent::getEventType).toList());
            assertEquals(put, events.get(0).getKeyValue().getCreateRevision());
            assertEquals("1", text(events.get(1).getPrevKV().getValue()));
            assertEquals("2", text(events.get(1).getKeyValue().getValue()));
            assertEquals("2", text(events.get(2).getPrevKV().getValue()));
            assertEquals(put + 2, events.get(2).getKeyValue().getModRevision());
        }
    }

    @Test
    void progressRequestAnswersWithTheCurrentRevision() throws InterruptedException {
        Recorder recorder = new Recorder();
        try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("jp/k"),
                WatchOption.builder().withCreateNotify(true).build(), recorder)) {
            recorder.next();
            long current = await(kv.put(bytes("jp/other"), bytes("x"))).getHeader().getRevision();
            watcher.requestProgress();
            WatchResponse progress = recorder.next();
            assertTrue(progress.isProgressNotify(), progress::toString);
            assertEquals(current, progress.getHeader().getRevision());
        }
    }

    @Test
    void aCompactedStartRevisionEndsTheWatchWithTheCompactRevision() throws InterruptedException {
        long r1 = await(kv.put(bytes("jc/k"), bytes("1"))).getHeader().getRevision();
        long r2 = await(kv.put(bytes("jc/k"), bytes("2"))).getHeader().getRevision();
        await(kv.compact(r2));
        Recorder recorder = new Recorder();
        try (Watch.Watcher ignored = client.getWatchClient().watch(bytes("jc/k"),
                WatchOption.builder().withRevision(r1).build(), recorder)) {
            Throwable error = recorder.error();
            CompactedException compacted = assertInstanceOf(CompactedException.class, error);
            assertEquals(r2, compacted.getCompactedRevision());
        }
    }

    /** A watch listener that queues what it receives. */
    private static final class Recorder implements Watch.Listener {
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        @Override
        public void onNext(WatchResponse response) {
            queue.add(response);
        }

        @Override
        public void onError(Throwable throwable) {
            queue.add(throwable);
        }

        @Override
        public void onCompleted() {
        }

        WatchResponse next() throws InterruptedException {
            Object item = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (item instanceof WatchResponse response) {
                return response;
            }
            throw new AssertionError("expected a watch response, got " + item,
                    item instanceof Throwable t ? t : null);
        }

        Throwable error() throws InterruptedException {
            Object item = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (item instanceof Throwable t) {
                return t;
            }
            throw new AssertionError("expected an error, got " + item);
        }
    }
}
