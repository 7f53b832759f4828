package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The v2 API on the client port, driven by the real {@code ETCDCTL_API=2 etcdctl} and by plain HTTP
 * (as {@code curl} would): the same output, exit codes, statuses and indexes as etcd 3.4 with
 * {@code --enable-v2}.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class V2ApiE2eTest {
    @Parameter
    ServerVariant variant;

    private EtcdProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() {
        server = EtcdProcess.builder("n1").args(variant.extraArgs()).args(List.of("--enable-v2=true")).start();
    }

    /** {@code ETCDCTL_API=2 etcdctl --endpoints http://...} with the given arguments. */
    private Etcdctl.Result v2(String... args) {
        List<String> command = new ArrayList<>(List.of(ServerUnderTest.ETCDCTL.toString(), "--endpoints", server.clientUrl()));
        command.addAll(Arrays.asList(args));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("etcdctl2");
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("ETCDCTL_API", "2");
            Process p = builder.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("etcdctl did not finish: " + command);
            }
            return new Etcdctl.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (dir != null) {
                TempFiles.deleteRecursively(dir);
            }
        }
    }

    private void ok(String expectedStdout, String... args) {
        Etcdctl.Result r = v2(args);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(expectedStdout, r.stdout(), () -> String.join(" ", args));
    }

    private void fails(int exitCode, String expectedStderr, String... args) {
        Etcdctl.Result r = v2(args);
        assertEquals(exitCode, r.exitCode(), r::toString);
        assertEquals(expectedStderr, r.stderr(), () -> String.join(" ", args));
    }

    @Test
    void etcdctlV2CommandsAsWithEtcd() {
        start();
        ok("bar\n", "set", "/foo", "bar");
        ok("bar\n", "get", "/foo");
        fails(4, "Error:  105: Key already exists (/foo) [4]\n", "mk", "/foo", "baz");
        ok("", "mkdir", "/dir");
        ok("1\n", "set", "/dir/a", "1", "--ttl", "100");
        ok("/dir\n/foo\n", "ls", "--sort");  // without --sort etcd lists in Go map order
        ok("/dir/\n/dir/a\n/foo\n", "ls", "--sort", "--recursive", "-p", "/");
        Etcdctl.Result extended = v2("-o", "extended", "get", "/dir/a");
        assertEquals(0, extended.exitCode(), extended::toString);
        assertTrue(extended.stdout().matches("Key: /dir/a\nCreated-Index: 6\nModified-Index: 6\nTTL: (100|99)\nIndex: 6\n\n1\n"),
                extended.stdout());
        ok("new\n", "update", "/foo", "new");
        fails(4, "Error:  101: Compare failed ([old != new]) [7]\n", "rm", "/foo", "--with-value", "old");
        ok("\n", "rm", "/foo", "--with-value", "new");
        fails(4, "Error:  108: Directory not empty (/dir) [8]\n", "rmdir", "/dir");
        ok("", "rm", "--recursive", "/dir");
        fails(4, "Error:  100: Key not found (/nope) [9]\n", "get", "/nope");
        Etcdctl.Result members = v2("member", "list");
        assertEquals(0, members.exitCode(), members::toString);
        assertTrue(members.stdout().matches("[0-9a-f]+: name=n1 peerURLs=" + server.peerUrl() + " clientURLs="
                + server.clientUrl() + " isLeader=true\n"), members.stdout());
        String id = members.stdout().substring(0, members.stdout().indexOf(':'));
        ok("member " + id + " is healthy: got healthy result from " + server.clientUrl() + "\ncluster is healthy\n",
                "cluster-health");
    }

    @Test
    void directoriesSwapsJsonOutputAndWatchFromHistory() {
        start();
        ok("", "setdir", "/d1");
        ok("", "updatedir", "/d1", "--ttl", "100");
        ok("v1\n", "set", "/k", "v1");
        ok("v2\n", "set", "/k", "v2", "--swap-with-value", "v1");
        fails(4, "Error:  101: Compare failed ([999 != 7]) [7]\n", "set", "/k", "v3", "--swap-with-index", "999");
        fails(4, "Error:  101: Compare failed ([6 != 7]) [7]\n", "set", "/k", "v3", "--swap-with-index", "6");
        ok("v2\n", "get", "/k", "--consistent");
        ok("{\"action\":\"get\",\"node\":{\"key\":\"/k\",\"value\":\"v2\",\"nodes\":null,\"createdIndex\":6,"
                + "\"modifiedIndex\":7},\"prevNode\":null}\n", "-o", "json", "get", "/k");
        // A watch from an index in the history answers at once with the first change after it.
        ok("v1\n", "watch", "/k", "--after-index", "4");
        ok("", "mkdir", "/d2");
        ok("", "rm", "/d2", "--dir");
        fails(4, "Error:  101: Compare failed ([1 != 7]) [9]\n", "rm", "/k", "--with-index", "1");
        fails(4, "Error:  100: Key not found (/nope) [9]\n", "ls", "/nope");
    }

    @Test
    void httpKeysApiAsCurlSeesIt() throws Exception {
        start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = server.clientUrl();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/keys/foo"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("value=bar")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode());
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":4,\"createdIndex\":4}}\n",
                put.body());
        assertEquals("4", put.headers().firstValue("X-Etcd-Index").orElse(null));
        assertTrue(put.headers().firstValue("X-Etcd-Cluster-Id").isPresent());
        assertTrue(put.headers().firstValue("X-Raft-Index").isPresent());

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/keys/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertEquals("{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/nope\",\"index\":4}\n", missing.body());

        // A long poll, woken by the next write.
        CompletableFuture<HttpResponse<String>> watch = http.sendAsync(HttpRequest.newBuilder(
                URI.create(base + "/v2/keys/foo?wait=true")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        assertTrue(!watch.isDone(), "the watch waits for a change");
        http.send(HttpRequest.newBuilder(URI.create(base + "/v2/keys/foo"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("value=baz")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> event = watch.get(30, TimeUnit.SECONDS);
        assertEquals(200, event.statusCode());
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"baz\",\"modifiedIndex\":5,\"createdIndex\":5},"
                + "\"prevNode\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":4,\"createdIndex\":4}}\n", event.body());

        HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, version.statusCode());
        assertTrue(version.body().matches("\\{\"etcdserver\":\"3\\.4\\.[0-9]+\",\"etcdcluster\":\"3\\.4\\.0\"}"), version.body());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("{\"health\":\"true\"}", health.body().strip());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("\netcd_server_has_leader 1"), "has_leader in /metrics");
        // The v3 JSON gateway: a put and a range, bytes in base64.
        HttpResponse<String> gwPut = http.send(HttpRequest.newBuilder(URI.create(base + "/v3/kv/put"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"Z3c=\",\"value\":\"MQ==\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, gwPut.statusCode(), gwPut.body());
        HttpResponse<String> gwRange = http.send(HttpRequest.newBuilder(URI.create(base + "/v3/kv/range"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"Z3c=\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, gwRange.statusCode(), gwRange.body());
        assertTrue(gwRange.body().contains("\"value\":\"MQ==\""), gwRange.body());
    }
}
