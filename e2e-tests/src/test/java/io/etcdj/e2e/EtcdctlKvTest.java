package io.etcdj.e2e;

import static io.etcdj.e2e.Json.arr;
import static io.etcdj.e2e.Json.asObject;
import static io.etcdj.e2e.Json.base64;
import static io.etcdj.e2e.Json.lng;
import static io.etcdj.e2e.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Key-value commands through etcdctl 3.4, with outputs exactly as the reference etcd 3.4.23 produces
 * them. One server per variant serves every test; each test owns a key prefix. Keys from
 * {@code ~} upwards are reserved for {@link #fromKeyReadsAndDeletesToTheEndOfTheKeySpace()}.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class EtcdctlKvTest {

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Etcdctl ctl;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("kv", variant);
        ctl = server.etcdctl();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void putPrintsOkAndGetPrintsKeyThenValue() {
        assertEquals("OK\n", ctl.ok("put", "plain/a", "1"));
        assertEquals("plain/a\n1\n", ctl.ok("get", "plain/a"));
        assertEquals("", ctl.ok("get", "plain/missing"), "a missing key prints nothing and exits 0");
        assertEquals("OK\n", ctl.ok("put", "plain/a", "value with spaces"));
        assertEquals("plain/a\nvalue with spaces\n", ctl.ok("get", "plain/a"));
    }

    @Test
    void getJsonHasHeaderAndBase64KeyValues() {
        long first = putRevision("json/k", "v1");
        Map<String, Object> doc = Json.object(ctl.ok("get", "json/k", "-w", "json"));
        Map<String, Object> header = obj(doc, "header");
        assertEquals(List.of("cluster_id", "member_id", "revision", "raft_term"), List.copyOf(header.keySet()));
        assertTrue(lng(header, "revision") >= first);
        assertTrue(lng(header, "raft_term") >= 1);
        List<Object> kvs = arr(doc, "kvs");
        assertEquals(1, kvs.size());
        Map<String, Object> kv = asObject(kvs.get(0));
        assertEquals(List.of("key", "create_revision", "mod_revision", "version", "value"), List.copyOf(kv.keySet()));
        assertEquals("json/k", base64(kv, "key"));
        assertEquals("v1", base64(kv, "value"));
        assertEquals(first, lng(kv, "create_revision"));
        assertEquals(first, lng(kv, "mod_revision"));
        assertEquals(1, lng(kv, "version"));
        assertEquals(1, lng(doc, "count"));
        assertFalse(doc.containsKey("more"), "more=false is omitted");

        long second = putRevision("json/k", "v2");
        Map<String, Object> kv2 = asObject(arr(Json.object(ctl.ok("get", "json/k", "-w", "json")), "kvs").get(0));
        assertEquals(first, lng(kv2, "create_revision"));
        assertEquals(second, lng(kv2, "mod_revision"));
        assertEquals(2, lng(kv2, "version"));
        assertEquals("v2", base64(kv2, "value"));
    }

    @Test
    void getJsonOfMissingKeyHasOnlyTheHeader() {
        Map<String, Object> doc = Json.object(ctl.ok("get", "json/missing", "-w", "json"));
        assertEquals(List.of("header"), List.copyOf(doc.keySet()), "no kvs and no count when nothing matched");
    }

    @Test
    void rangesByPrefixAndByInterval() {
        for (String k : List.of("r/a", "r/b", "r/c", "r/d", "r0")) {
            ctl.ok("put", k, "v-" + k);
        }
        assertEquals(List.of("r/a", "v-r/a", "r/b", "v-r/b", "r/c", "v-r/c", "r/d", "v-r/d"),
                ctl.run("get", "r/", "--prefix").lines());
        assertEquals(List.of("r/a", "v-r/a", "r/b", "v-r/b"), ctl.run("get", "r/a", "r/c").lines(),
                "range_end is exclusive");
        assertEquals(List.of("r/b", "v-r/b", "r/c", "v-r/c", "r/d", "v-r/d", "r0", "v-r0"),
                ctl.run("get", "r/b", "r1").lines());
        Map<String, Object> doc = Json.object(ctl.ok("get", "r/", "--prefix", "-w", "json"));
        assertEquals(4, lng(doc, "count"));
    }

    @Test
    void fromKeyReadsAndDeletesToTheEndOfTheKeySpace() {
        for (String k : List.of("~fk/a", "~fk/b", "~fk/c")) {
            ctl.ok("put", k, "x");
        }
        assertEquals(List.of("~fk/b", "x", "~fk/c", "x"), ctl.run("get", "--from-key", "~fk/b").lines());
        assertEquals("2\n", ctl.ok("del", "--from-key", "~fk/b"));
        assertEquals(List.of("~fk/a", "x"), ctl.run("get", "--from-key", "~fk/").lines());
        assertEquals("0\n", ctl.ok("del", "--from-key", "~fk/b"));
    }

    @Test
    void limitReturnsTheFirstKeysAndReportsMoreAndTheFullCount() {
        for (String k : List.of("lim/a", "lim/b", "lim/c", "lim/d")) {
            ctl.ok("put", k, k.substring(4));
        }
        assertEquals(List.of("lim/a", "a", "lim/b", "b"), ctl.run("get", "lim/", "--prefix", "--limit=2").lines());
        Map<String, Object> doc = Json.object(ctl.ok("get", "lim/", "--prefix", "--limit=2", "-w", "json"));
        assertEquals(2, arr(doc, "kvs").size());
        assertTrue(Json.bool(doc, "more"));
        assertEquals(4, lng(doc, "count"), "count is the number of keys in the range, not the number returned");
        Map<String, Object> all = Json.object(ctl.ok("get", "lim/", "--prefix", "--limit=4", "-w", "json"));
        assertFalse(all.containsKey("more"));
    }

    @Test
    void sortByEveryTargetInBothOrders() {
        // Chosen so that every target gives a different order: created b d a c; versions a2 b4 c1 d3;
        // last modified c b d a; values d < c < b < a.
        String[][] puts = {
            {"b", "x"}, {"d", "x"}, {"a", "x"}, {"c", "2"}, {"b", "x"},
            {"b", "x"}, {"b", "3"}, {"d", "x"}, {"d", "1"}, {"a", "4"},
        };
        for (String[] put : puts) {
            ctl.ok("put", "sort/" + put[0], put[1]);
        }
        assertSorted("KEY", "ASCEND", "abcd");
        assertSorted("KEY", "DESCEND", "dcba");
        assertSorted("CREATE", "ASCEND", "bdac");
        assertSorted("CREATE", "DESCEND", "cadb");
        assertSorted("MODIFY", "ASCEND", "cbda");
        assertSorted("MODIFY", "DESCEND", "adbc");
        assertSorted("VERSION", "ASCEND", "cadb");
        assertSorted("VERSION", "DESCEND", "bdac");
        assertSorted("VALUE", "ASCEND", "dcba");
        assertSorted("VALUE", "DESCEND", "abcd");
        assertEquals(keys("dcba"), keysOf(ctl.run("get", "sort/", "--prefix", "--order=DESCEND")),
                "an order without a target sorts by key");
        assertEquals(List.of("sort/d", "1", "sort/c", "2"),
                ctl.run("get", "sort/", "--prefix", "--sort-by=VALUE", "--order=ASCEND", "--limit=2").lines(),
                "with an explicit order the server sorts the whole range, then applies the limit");
        // etcd 3.4 quirk (etcdserver/apply.go Range): a target without an order reaches the server as
        // order NONE, so it reads limit+1 keys in key order (a b c), sorts only those ascending by the
        // target (c b a), and then truncates to the limit.
        assertEquals(List.of("sort/c", "2", "sort/b", "3"),
                ctl.run("get", "sort/", "--prefix", "--sort-by=VALUE", "--limit=2").lines());
        assertEquals(keys("dcba"), keysOf(ctl.run("get", "sort/", "--prefix", "--sort-by=VALUE")),
                "without a limit, a target alone sorts ascending");
    }

    @Test
    void sortTiesKeepKeyOrderInBothDirections() {
        ctl.ok("put", "tie/a", "1");
        ctl.ok("put", "tie/a", "1");
        ctl.ok("put", "tie/b", "1");
        ctl.ok("put", "tie/c", "1");
        assertEquals(List.of("tie/a", "tie/b", "tie/c"),
                keysOf(ctl.run("get", "tie/", "--prefix", "--sort-by=VERSION", "--order=DESCEND")));
        assertEquals(List.of("tie/b", "tie/c", "tie/a"),
                keysOf(ctl.run("get", "tie/", "--prefix", "--sort-by=VERSION", "--order=ASCEND")));
        assertEquals(List.of("tie/a", "tie/b", "tie/c"),
                keysOf(ctl.run("get", "tie/", "--prefix", "--sort-by=VALUE", "--order=DESCEND")));
    }

    @Test
    void keysOnlyAndValuesOnly() {
        ctl.ok("put", "ko/a", "1");
        ctl.ok("put", "ko/b", "2");
        assertEquals("ko/a\n\nko/b\n\n", ctl.ok("get", "ko/", "--prefix", "--keys-only"),
                "each key is followed by the empty value line");
        assertEquals("1\n2\n", ctl.ok("get", "ko/", "--prefix", "--print-value-only"));
        Map<String, Object> kv = asObject(arr(Json.object(
                ctl.ok("get", "ko/a", "--keys-only", "-w", "json")), "kvs").get(0));
        assertFalse(kv.containsKey("value"), "keys-only responses carry no value: " + kv);
        assertEquals("ko/a", base64(kv, "key"));
    }

    @Test
    void getAtRevision() {
        long r1 = putRevision("rev/k", "one");
        long r2 = putRevision("rev/k", "two");
        putRevision("rev/k", "three");
        assertEquals("rev/k\none\n", ctl.ok("get", "rev/k", "--rev=" + r1));
        assertEquals("rev/k\ntwo\n", ctl.ok("get", "rev/k", "--rev=" + r2));
        assertEquals("rev/k\nthree\n", ctl.ok("get", "rev/k"));
        assertEquals("", ctl.ok("get", "rev/k", "--rev=" + (r1 - 1)), "before its creation the key did not exist");
        Map<String, Object> kv = asObject(arr(Json.object(
                ctl.ok("get", "rev/k", "--rev=" + r2, "-w", "json")), "kvs").get(0));
        assertEquals(2, lng(kv, "version"));
        assertEquals(r1, lng(kv, "create_revision"));
        assertEquals(r2, lng(kv, "mod_revision"));

        Etcdctl.Result future = ctl.run("get", "rev/k", "--rev=" + (r2 + 1_000_000));
        assertEquals(1, future.exitCode(), future::toString);
        assertEquals("Error: etcdserver: mvcc: required revision is a future revision", future.errorLine());
        assertStillServing();
    }

    @Test
    void serializableReadSeesTheWrite() {
        ctl.ok("put", "ser/k", "v");
        assertEquals("ser/k\nv\n", ctl.ok("get", "ser/k", "--consistency=s"));
        assertEquals("ser/k\nv\n", ctl.ok("get", "ser/k", "--consistency=l"));
    }

    @Test
    void putWithPrevKv() {
        assertEquals("OK\n", ctl.ok("put", "pkv/k", "old", "--prev-kv"), "no previous value: just OK");
        assertEquals("OK\npkv/k\nold\n", ctl.ok("put", "pkv/k", "new", "--prev-kv"));
        Map<String, Object> doc = Json.object(ctl.ok("put", "pkv/k", "newer", "--prev-kv", "-w", "json"));
        Map<String, Object> prev = obj(doc, "prev_kv");
        assertEquals("new", base64(prev, "value"));
        assertEquals(2, lng(prev, "version"));
        Map<String, Object> plain = Json.object(ctl.ok("put", "pkv/k", "newest", "-w", "json"));
        assertEquals(List.of("header"), List.copyOf(plain.keySet()));
    }

    @Test
    void putReadsTheValueFromStandardInput() {
        Etcdctl.Result put = ctl.runWithInput("from stdin\nline two", "put", "stdin/k");
        assertEquals(0, put.exitCode(), put::toString);
        assertEquals("from stdin\nline two\n", ctl.ok("get", "stdin/k", "--print-value-only"));
    }

    @Test
    void ignoreValueKeepsTheValueAndNeedsAnExistingKey() {
        ctl.ok("put", "iv/k", "kept");
        assertEquals("OK\n", ctl.ok("put", "iv/k", "--ignore-value"));
        Map<String, Object> kv = asObject(arr(Json.object(ctl.ok("get", "iv/k", "-w", "json")), "kvs").get(0));
        assertEquals("kept", base64(kv, "value"));
        assertEquals(2, lng(kv, "version"), "an ignore-value put is still a modification");

        Etcdctl.Result missing = ctl.run("put", "iv/missing", "--ignore-value");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertEquals("", missing.stdout());
        assertEquals("Error: etcdserver: key not found", missing.errorLine());
        assertEquals("", ctl.ok("get", "iv/missing"));
        assertStillServing();
    }

    @Test
    void ignoreLeaseNeedsAnExistingKey() {
        ctl.ok("put", "il/k", "v1");
        assertEquals("OK\n", ctl.ok("put", "il/k", "v2", "--ignore-lease"));
        assertEquals("il/k\nv2\n", ctl.ok("get", "il/k"));

        Etcdctl.Result missing = ctl.run("put", "il/missing", "v", "--ignore-lease");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertEquals("Error: etcdserver: key not found", missing.errorLine());
        assertEquals("", ctl.ok("get", "il/missing"));
        assertStillServing();
    }

    @Test
    void deleteCountsWhatItDeleted() {
        for (String k : List.of("del/a", "del/b", "del/c", "del/d", "del/e", "del/f")) {
            ctl.ok("put", k, "v" + k.substring(4));
        }
        assertEquals("1\n", ctl.ok("del", "del/a"));
        assertEquals("0\n", ctl.ok("del", "del/a"), "deleting a missing key prints 0 and exits 0");
        assertEquals("1\ndel/b\nvb\n", ctl.ok("del", "del/b", "--prev-kv"));
        assertEquals("2\n", ctl.ok("del", "del/c", "del/e"), "range_end is exclusive");
        assertEquals(List.of("del/e", "ve", "del/f", "vf"), ctl.run("get", "del/", "--prefix").lines());

        Map<String, Object> doc = Json.object(ctl.ok("del", "del/", "--prefix", "--prev-kv", "-w", "json"));
        assertEquals(2, lng(doc, "deleted"));
        List<Object> prev = arr(doc, "prev_kvs");
        assertEquals("del/e", base64(asObject(prev.get(0)), "key"));
        assertEquals("vf", base64(asObject(prev.get(1)), "value"));
        assertEquals("", ctl.ok("get", "del/", "--prefix"));
    }

    @Test
    void deletingNothingDoesNotAdvanceTheRevision() {
        long rev = putRevision("del0/k", "v");
        Map<String, Object> doc = Json.object(ctl.ok("del", "del0/none", "-w", "json"));
        assertEquals(List.of("header"), List.copyOf(doc.keySet()), "deleted=0 is omitted");
        long after = lng(obj(doc, "header"), "revision");
        assertTrue(after >= rev);
        Map<String, Object> again = Json.object(ctl.ok("get", "del0/none", "-w", "json"));
        assertEquals(after, lng(obj(again, "header"), "revision"), "no new revision for an empty delete");
    }

    @Test
    void txnSuccessBranchWithSimpleOutput() {
        ctl.ok("put", "txn/k", "v1");
        String input = """
                value("txn/k") = "v1"
                version("txn/k") = "1"

                put txn/k v2
                get txn/k
                del txn/none

                put txn/failed yes

                """;
        Etcdctl.Result result = ctl.runWithInput(input, "txn");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("SUCCESS\n\nOK\n\ntxn/k\nv2\n\n0\n", result.stdout());
        assertEquals("", ctl.ok("get", "txn/failed"));
    }

    @Test
    void txnFailureBranchWithJsonOutput() {
        long created = putRevision("txnf/k", "v1");
        putRevision("txnf/k", "v2");
        String input = """
                value("txnf/k") = "v1"

                put txnf/k never

                put txnf/else yes
                get txnf/k

                """;
        Map<String, Object> doc = Json.object(ctl.okWithInput(input, "txn", "-w", "json"));
        assertFalse(doc.containsKey("succeeded"), "succeeded=false is omitted: " + doc);
        long rev = lng(obj(doc, "header"), "revision");
        List<Object> responses = arr(doc, "responses");
        assertEquals(2, responses.size());
        Map<String, Object> put = obj(obj(asObject(responses.get(0)), "Response"), "ResponsePut");
        assertEquals(Map.of("revision", BigInteger.valueOf(rev)), obj(put, "header"),
                "responses inside a txn carry only the revision in their header");
        Map<String, Object> range = obj(obj(asObject(responses.get(1)), "Response"), "ResponseRange");
        Map<String, Object> kv = asObject(arr(range, "kvs").get(0));
        assertEquals("v2", base64(kv, "value"));
        assertEquals(created, lng(kv, "create_revision"));
        assertEquals(1, lng(range, "count"));
        assertEquals("txnf/else\nyes\n", ctl.ok("get", "txnf/else"));
    }

    @Test
    void txnComparesOnCreateModAndVersionWithInteractivePrompts() {
        long rev = putRevision("txnc/k", "v");
        String input = "mod(\"txnc/k\") = \"" + rev + "\"\n"
                + "create(\"txnc/k\") < \"" + (rev + 1) + "\"\n"
                + "ver(\"txnc/k\") > \"0\"\n"
                + "val(\"txnc/k\") != \"other\"\n"
                + "ver(\"txnc/missing\") = \"0\"\n"
                + "\n"
                + "get txnc/ --prefix\n"
                + "\n"
                + "\n";
        Etcdctl.Result result = ctl.runWithInput(input, "txn", "-i");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\n"
                + "SUCCESS\n\ntxnc/k\nv\n", result.stdout());

        Map<String, Object> doc = Json.object(ctl.okWithInput(
                "mod(\"txnc/k\") > \"" + rev + "\"\n\n\n\n", "txn", "-w", "json"));
        assertFalse(doc.containsKey("succeeded"));
        assertFalse(doc.containsKey("responses"), "no operations, no responses: " + doc);

        Map<String, Object> empty = Json.object(ctl.okWithInput("\nput txnc/k w\n\n\n", "txn", "-w", "json"));
        assertTrue(Json.bool(empty, "succeeded"), "a txn without compares succeeds");
        assertEquals("txnc/k\nw\n", ctl.ok("get", "txnc/k"));
    }

    @Test
    void emptyKeyIsRejected() {
        Etcdctl.Result result = ctl.run("put", "", "v");
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals("Error: etcdserver: key is not provided", result.errorLine());
        assertStillServing();
    }

    @Test
    void txnWithMoreThan128OperationsIsRejected() {
        Etcdctl.Result tooMany = ctl.runWithInput(txnOfPuts("ops/a", 129), "txn");
        assertEquals(1, tooMany.exitCode(), tooMany::toString);
        assertEquals("Error: etcdserver: too many operations in txn request", tooMany.errorLine());
        assertEquals("", ctl.ok("get", "ops/a/", "--prefix", "--keys-only"), "nothing of the rejected txn applied");
        assertStillServing();

        Etcdctl.Result limit = ctl.runWithInput(txnOfPuts("ops/b", 128), "txn");
        assertEquals(0, limit.exitCode(), limit::toString);
        assertEquals("SUCCESS", limit.lines().get(0));
        assertEquals(128, lng(Json.object(ctl.ok("get", "ops/b/", "--prefix", "-w", "json")), "count"));
    }

    @Test
    void requestsOverOnePointFiveMebibytesAreRejected() {
        byte[] tooBig = "a".repeat(1_600_000).getBytes(StandardCharsets.US_ASCII);
        Etcdctl.Result big = ctl.run(tooBig, "put", "size/big");
        assertEquals(1, big.exitCode(), big::toString);
        assertEquals("Error: etcdserver: request is too large", big.errorLine());
        assertEquals("", ctl.ok("get", "size/big"));
        assertStillServing();

        byte[] fits = "b".repeat(1_400_000).getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, ctl.run(fits, "put", "size/fits").exitCode());
        assertEquals(1_400_000 + 1, ctl.ok("get", "size/fits", "--print-value-only").length());
    }

    private static String txnOfPuts(String prefix, int count) {
        StringBuilder input = new StringBuilder("\n");
        for (int i = 0; i < count; i++) {
            input.append("put ").append(prefix).append('/').append(i).append(" x\n");
        }
        return input.append("\n\n").toString();
    }

    private static void assertSorted(String target, String order, String expected) {
        Etcdctl.Result result = ctl.run("get", "sort/", "--prefix", "--sort-by=" + target, "--order=" + order);
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(keys(expected), keysOf(result), target + " " + order);
    }

    private static List<String> keys(String letters) {
        return letters.chars().mapToObj(c -> "sort/" + (char) c).toList();
    }

    /** The keys of a simple get output, which alternates key and value lines. */
    private static List<String> keysOf(Etcdctl.Result result) {
        List<String> lines = result.lines();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 2) {
            keys.add(lines.get(i));
        }
        return keys;
    }

    private static long putRevision(String key, String value) {
        return lng(obj(Json.object(ctl.ok("put", key, value, "-w", "json")), "header"), "revision");
    }

    private static void assertStillServing() {
        assertEquals("OK\n", ctl.ok("put", "alive/k", "yes"));
        assertEquals("alive/k\nyes\n", ctl.ok("get", "alive/k"));
    }
}
