package io.etcdj.raft.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptRunnerTest {
    private static final String SCRIPT = """
            log-level none
            ----
            ok

            add-nodes 3 voters=(1,2,3) index=2
            ----
            ok

            campaign 1
            ----
            ok

            stabilize
            ----
            ok (quiet)

            log-level info
            ----
            ok

            propose 2 from-follower
            ----
            ok

            process-ready 2
            ----
            Ready MustSync=false:
            Messages:
            2->1 MsgProp Term:0 Log:0/0 Entries:[0/0 EntryNormal "from-follower"]
            """;

    @Test
    void aCorrectTranscriptPasses() {
        ScriptRunner.Result r = ScriptRunner.run(ScriptFile.parse("ok.txt", SCRIPT));
        assertEquals(List.of(), r.mismatches(), () -> r.failureMessage());
        assertEquals(SCRIPT, r.rewritten(), "rewriting a passing script changes nothing");
    }

    @Test
    void aWrongTranscriptFailsNamingScriptLineAndBothOutputs() {
        String wrong = SCRIPT.replace("2->1 MsgProp Term:0", "2->3 MsgProp Term:0");
        ScriptRunner.Result r = ScriptRunner.run(ScriptFile.parse("wrong.txt", wrong));
        assertEquals(1, r.mismatches().size());
        String msg = r.failureMessage();
        assertTrue(msg.contains("wrong.txt:25: process-ready 2"), msg);
        assertTrue(msg.contains("first difference at output line 3"), msg);
        assertTrue(msg.contains("expected: 2->3 MsgProp"), msg);
        assertTrue(msg.contains("actual:   2->1 MsgProp"), msg);
        assertEquals(SCRIPT, r.rewritten(), "the rewrite holds the actual output");
    }

    @Test
    void outputIsDeterministic() {
        String once = ScriptRunner.run(ScriptFile.parse("a.txt", SCRIPT)).rewritten();
        String twice = ScriptRunner.run(ScriptFile.parse("a.txt", SCRIPT)).rewritten();
        assertEquals(once, twice);
    }

    @Test
    void scriptMistakesFailWithTheirLineInsteadOfBecomingOutput() {
        ScriptException unknown = assertThrows(ScriptException.class,
                () -> ScriptRunner.run(ScriptFile.parse("bad.txt", "add-nodes 1\n----\nok\n\nfrobnicate 1\n----\nok\n")));
        assertTrue(unknown.getMessage().startsWith("bad.txt:5: frobnicate 1: unknown command"), unknown.getMessage());
        ScriptException noNode = assertThrows(ScriptException.class,
                () -> ScriptRunner.run(ScriptFile.parse("bad.txt", "campaign 7\n----\nok\n")));
        assertTrue(noNode.getMessage().contains("no node 7"), noNode.getMessage());
        ScriptException typo = assertThrows(ScriptException.class,
                () -> ScriptRunner.run(ScriptFile.parse("bad.txt", "add-nodes 1 voter=(1)\n----\nok\n")));
        assertTrue(typo.getMessage().contains("unknown option voter"), typo.getMessage());
    }

    @Test
    void refusalsOfTheCoreAreOutputNotFailures() {
        ScriptRunner.Result r = ScriptRunner.run(ScriptFile.parse("r.txt", "add-nodes 1 voters=(1,2) index=2\n----\nx\n\n"
                + "log-level none\n----\nok\n\npropose 1 foo\n----\nx\n"));
        assertEquals(List.of("raft proposal dropped: no leader at term 0"), r.mismatches().get(1).actual(),
                "errors are printed even at level none");
    }
}
