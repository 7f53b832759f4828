package io.etcdj.transport.http.peer;

import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.PeerTransportProvider;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Provides the HTTP peer transport, named {@code http}: Raft messages as HTTP/1.1 requests under
 * {@code /raft} after etcd's rafthttp (see {@link PeerHttpProtocol}), with the JDK's own HTTP
 * server and client; etcdj to etcdj only. {@link #create} does nothing; the transport binds and
 * starts threads in {@code start()}. {@link #call} sends an anonymous call with a client of its
 * own, shut down (threads and connections) before it returns.
 */
public final class HttpPeerTransportProvider implements PeerTransportProvider {
    @Override
    public String name() {
        return "http";
    }

    @Override
    public String description() {
        return "Raft messages over HTTP/1.1 (jdk.httpserver, java.net.http); etcdj members only";
    }

    @Override
    public PeerTransport create(PeerTransportConfig config) {
        return new HttpPeerTransport(config);
    }

    @Override
    public byte[] call(URI peerUrl, String method, byte[] request, Duration timeout) throws IOException {
        if (!"http".equals(peerUrl.getScheme())) {
            // TODO(TLS not built yet): https peer URLs need the security provider's client context.
            throw new IOException("peer URL scheme " + peerUrl.getScheme() + " is not supported yet: " + peerUrl);
        }
        if (peerUrl.getHost() == null || peerUrl.getPort() < 0) {
            throw new IOException("peer URL does not have the form \"http://host:port\": " + peerUrl);
        }
        if (request.length > PeerHttpProtocol.MAX_CALL_BYTES) {
            throw new IOException("peer request " + method + " of " + request.length + " bytes, over the limit of "
                    + PeerHttpProtocol.MAX_CALL_BYTES);
        }
        TransportThreads threads = new TransportThreads();
        ExecutorService executor = Executors.newThreadPerTaskExecutor(threads.factory("call"));
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        try {
            HttpRequest httpRequest = PeerCall.request(
                    HttpRequest.newBuilder(peerUrl.resolve(PeerHttpProtocol.callPath(method))), request, timeout);
            CompletableFuture<byte[]> answer = PeerCall.send(client, httpRequest, method, timeout, PeerCall.IGNORED);
            try {
                // PeerCall fails the answer at the timeout; get() waits for that.
                return answer.get();
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for " + peerUrl + " to answer " + method);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io
                        : new IOException("peer request " + method + " to " + peerUrl + " failed", e.getCause());
            }
        } finally {
            client.shutdownNow();
            executor.shutdownNow();
            try {
                client.awaitTermination(HttpPeerTransport.CLOSE_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
