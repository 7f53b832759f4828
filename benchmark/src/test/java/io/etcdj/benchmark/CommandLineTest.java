package io.etcdj.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    private static final Map<String, List<Flag>> COMMANDS = Map.of("put", PutBenchmark.FLAGS, "range", RangeBenchmark.FLAGS);

    private static CommandLine parse(String... args) throws UsageException {
        return CommandLine.parse(args, GlobalOptions.FLAGS, COMMANDS);
    }

    @Test
    void globalAndCommandFlagsInEveryForm() throws UsageException {
        CommandLine line = parse("--clients=16", "--conns", "2", "put", "--key-size", "32", "--sequential-keys",
                "--total=500", "-val-size=4");
        assertEquals("put", line.command());
        GlobalOptions g = GlobalOptions.from(line);
        assertEquals(16, g.clients());
        assertEquals(2, g.conns());
        assertEquals(500, g.total());
        assertEquals(List.of("127.0.0.1:2379"), g.endpoints());
        assertEquals(Duration.ofMinutes(10), g.maxDuration());
        assertEquals(32, line.intValue("key-size", 1));
        assertEquals(4, line.intValue("val-size", 0));
        assertTrue(line.bool("sequential-keys"));
    }

    @Test
    void positionalArgumentsAndEndpoints() throws UsageException {
        CommandLine line = parse("range", "a", "--endpoints", "http://h1:1,h2:2", "z", "--consistency=s");
        assertEquals(List.of("a", "z"), line.arguments());
        assertEquals(List.of("h1:1", "h2:2"), GlobalOptions.from(line).endpoints());
    }

    @Test
    void goDurations() {
        assertEquals(Duration.ofSeconds(90), CommandLine.parseGoDuration("1m30s"));
        assertEquals(Duration.ofMillis(1500), CommandLine.parseGoDuration("1.5s"));
        assertEquals(Duration.ofHours(2), CommandLine.parseGoDuration("2h"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parseGoDuration("10"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parseGoDuration("5d"));
    }

    @Test
    void errors() {
        assertEquals("unknown flag: --nope", assertThrows(UsageException.class, () -> parse("--nope")).getMessage());
        // A command's flag is unknown before the command is named.
        assertThrows(UsageException.class, () -> parse("--key-size", "3", "put"));
        // Another command's flag is unknown after it.
        assertThrows(UsageException.class, () -> parse("put", "--consistency", "s"));
        assertThrows(UsageException.class, () -> parse("get"));
        assertThrows(UsageException.class, () -> parse("put", "--total"));
        assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--clients", "0")));
        assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--total", "x")));
        assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--max-duration", "0s")));
        assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--endpoints", "nohost")));
        assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--endpoints", "h:99999")));
        assertTrue(assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--user", "root:x")))
                .getMessage().contains("authentication is not supported"));
        assertTrue(assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--cacert", "ca.pem")))
                .getMessage().contains("TLS is not supported"));
        assertTrue(assertThrows(UsageException.class, () -> GlobalOptions.from(parse("put", "--endpoints", "https://h:1")))
                .getMessage().contains("TLS is not supported"));
    }

    @Test
    void mainExitsWithStatusTwoAndAClearMessageOnABadLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"put", "--bogus", "1"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Error: unknown flag: --bogus"), err.toString());
        assertEquals("", out.toString(StandardCharsets.UTF_8));

        assertEquals(2, Main.run(new String[] {}, new PrintStream(out), new PrintStream(err)));
        assertEquals(2, Main.run(new String[] {"range"}, new PrintStream(out), new PrintStream(err)), "range needs a key");
        assertEquals(2, Main.run(new String[] {"range", "k", "--consistency", "x"}, new PrintStream(out), new PrintStream(err)));
        assertEquals(2, Main.run(new String[] {"put", "--key-size", "1", "--key-space-size", "1000"},
                new PrintStream(out), new PrintStream(err)), "1 byte cannot hold 1000 varint keys");
        assertEquals(2, Main.run(new String[] {"txn-put", "--txn-ops", "3"}, new PrintStream(out), new PrintStream(err)),
                "3 distinct keys in a key space of 1");
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"put", "--help"}, new PrintStream(help, true, StandardCharsets.UTF_8),
                new PrintStream(err)));
        assertTrue(help.toString(StandardCharsets.UTF_8).contains("--key-space-size"));
    }
}
