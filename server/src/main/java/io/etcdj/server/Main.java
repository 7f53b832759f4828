package io.etcdj.server;

import io.etcdj.server.compactor.AutoCompactor;
import io.etcdj.server.config.ConfigParser;
import io.etcdj.server.config.EtcdConfig;
import io.etcdj.server.config.ParseResult;
import io.etcdj.server.log.LogSetup;
import io.etcdj.server.plugin.Providers;
import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import io.etcdj.spi.transport.ClientTransportProvider;
import java.net.URI;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bin/etcd}: parses etcd's flags and ETCD_* variables, starts the member, serves until
 * SIGTERM or SIGINT, then stops cleanly. Exit codes as etcd: 2 for a flag syntax error, 1 for any
 * other failure to start.
 */
public final class Main {
    /** The client transport plugin that serves etcd's HTTP API (v2, JSON gateway, health, metrics). */
    private static final String HTTP_TRANSPORT = "http";

    private Main() {
    }

    public static void main(String[] args) {
        ParseResult parsed = ConfigParser.parse(args, System.getenv());
        switch (parsed) {
            case ParseResult.Help h -> {
                System.err.print(h.stderr());
                System.out.print(h.stdout());
                System.exit(0);
            }
            case ParseResult.Version v -> {
                System.out.print(v.stdout());
                System.exit(0);
            }
            case ParseResult.Failure f -> {
                System.err.print(f.stderrText());
                System.exit(f.exitCode());
            }
            case ParseResult.Run r -> run(r.config());
        }
    }

    private static void run(EtcdConfig cfg) {
        LogSetup.configure(cfg.logger(), cfg.logLevel(), System.err);
        System.Logger log = System.getLogger("etcdmain");
        log.log(System.Logger.Level.INFO, "etcd Version: {0}", Versions.ETCD_VERSION);
        log.log(System.Logger.Level.INFO, "etcdj Version: {0}", Versions.ETCDJ_VERSION);
        log.log(System.Logger.Level.INFO, "Java Version: {0}", Runtime.version());
        for (String info : cfg.infos()) {
            log.log(System.Logger.Level.INFO, info);
        }
        for (String warning : cfg.warnings()) {
            log.log(System.Logger.Level.WARNING, warning);
        }
        Bootstrap.Started starting = null;
        ClientTransport transport = null;
        ClientTransport httpFace = null;
        try {
            starting = Bootstrap.start(cfg);
            EtcdServer server = starting.server();
            server.setV2Enabled(cfg.enableV2());
            List<String> clientUrls = cfg.advertiseClientUrls().stream().map(URI::toString).toList();
            server.publish(cfg.name(), clientUrls).get(60, TimeUnit.SECONDS);
            List<ClientTransportProvider> installed = Providers.installed(ServiceLoader.load(ClientTransportProvider.class));
            ClientTransportProvider transportProvider = Providers.select(installed, "--transport", cfg.transport());
            long maxStreams = cfg.get(io.etcdj.server.config.Flags.MAX_CONCURRENT_STREAMS);
            io.etcdj.spi.server.EtcdServerApi clientFacing = LearnerGuard.wrap(server, server::isLearner);
            // etcd serves gRPC and HTTP/1.1 (v2 keys, JSON gateway, /health, /metrics) on one port:
            // when the http plugin is installed beside another client transport, it serves on loopback
            // and the other hands it every connection that is not its own protocol.
            java.net.InetSocketAddress httpFallback = null;
            if (!transportProvider.name().equals(HTTP_TRANSPORT)) {
                for (ClientTransportProvider p : installed) {
                    if (p.name().equals(HTTP_TRANSPORT)) {
                        httpFace = p.create(new ClientTransportConfig(List.of(URI.create("http://127.0.0.1:0")),
                                clientFacing, maxStreams));
                        httpFace.start();
                        httpFallback = httpFace.boundAddresses().get(0);
                    }
                }
            }
            transport = transportProvider.create(new ClientTransportConfig(cfg.listenClientUrls(), clientFacing,
                    maxStreams, httpFallback));
            transport.start();
            System.Logger embed = System.getLogger("embed");
            embed.log(System.Logger.Level.INFO, "ready to serve client requests");
            for (var address : transport.boundAddresses()) {
                embed.log(System.Logger.Level.INFO,
                        "serving insecure client requests on {0}, this is strongly discouraged!", hostPort(address));
            }
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String message = cause instanceof TimeoutException ? "timed out publishing this member to the cluster"
                    : cause.getMessage();
            log.log(System.Logger.Level.ERROR, message == null ? cause.toString() : message);
            if (transport != null) {
                transport.close();
            }
            if (httpFace != null) {
                httpFace.close();
            }
            if (starting != null) {
                starting.server().close();
            }
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Bootstrap.Started started = starting;
        EtcdServer server = started.server();
        ClientTransport serving = transport;
        ClientTransport servingHttp = httpFace;
        AutoCompactor compactor = "revision".equals(cfg.autoCompactionMode())
                ? AutoCompactor.revision(server, server::currentRevision, cfg.autoCompactionRevisions())
                : AutoCompactor.periodic(server, server::currentRevision, cfg.autoCompactionPeriod());
        started.raft().terminated().thenRun(() -> {
            if (started.raft().removed()) {
                // etcd 3.4: the server stops, says the data dir must go, and exits 0 so that a
                // supervisor's Restart=on-failure does not bring the removed member back in a loop.
                System.getLogger("etcdserver").log(System.Logger.Level.ERROR,
                        "the member has been permanently removed from the cluster");
                System.getLogger("etcdserver").log(System.Logger.Level.INFO,
                        "the data-dir used by this member must be removed.");
                Thread exit = new Thread(() -> System.exit(0), "etcdj-removed-exit");
                exit.start();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.log(System.Logger.Level.INFO, "received terminated signal, shutting down...");
            if (compactor != null) {
                compactor.close();
            }
            serving.close();
            if (servingHttp != null) {
                servingHttp.close();
            }
            server.close();
            stopped.countDown();
        }, "etcdj-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
