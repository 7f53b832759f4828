package io.etcdj.raft.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptFileTest {
    private static final String TEXT = """
            # setup
            add-nodes 1 voters=(1) index=2
            ----
            ok (quiet)

            # two lines of output
            status 1
            ----
            line one
            line two
            """;

    @Test
    void parsesDirectivesWithTheirLineNumbersAndKeepsComments() {
        ScriptFile f = ScriptFile.parse("t.txt", TEXT);
        List<ScriptFile.Directive> ds = f.directives();
        assertEquals(2, ds.size());
        assertEquals(new ScriptFile.Directive(2, "add-nodes 1 voters=(1) index=2", List.of("ok (quiet)")), ds.get(0));
        assertEquals(new ScriptFile.Directive(7, "status 1", List.of("line one", "line two")), ds.get(1));
        assertEquals(TEXT, f.render(ScriptFile.Directive::expected), "rendering the expected outputs gives the file back");
    }

    @Test
    void renderReplacesOnlyTheOutputs() {
        ScriptFile f = ScriptFile.parse("t.txt", TEXT);
        String rewritten = f.render(d -> d.line() == 7 ? List.of("new") : d.expected());
        assertEquals(TEXT.replace("line one\nline two\n", "new\n"), rewritten);
    }

    @Test
    void aCommandWithoutSeparatorIsAScriptError() {
        ScriptException e = assertThrows(ScriptException.class, () -> ScriptFile.parse("t.txt", "# c\nstatus 1\nok\n"));
        assertTrue(e.getMessage().startsWith("t.txt:2: expected a \"----\""), e.getMessage());
    }

    @Test
    void disabledScriptsNameTheirReason() {
        assertEquals("bug #12", ScriptFile.parse("t.txt", "# disabled: bug #12\n" + TEXT).disabledReason());
        assertNull(ScriptFile.parse("t.txt", TEXT).disabledReason());
    }

    @Test
    void commandLinesSplitIntoPositionalArgumentsAndOptionsWithLists() {
        CommandLine c = CommandLine.parse("partition (1) (2, 3 4) voters=(1,2 3) index=5");
        assertEquals("partition", c.name());
        assertEquals(List.of("(1)", "(2, 3 4)"), c.positional());
        assertEquals(Map.of("voters", "(1,2 3)", "index", "5"), c.options());
        assertEquals(List.of(1L, 2L, 3L), c.longListOption("voters"));
        assertEquals(List.of("2", "3", "4"), c.parseList(c.arg(1)));
        assertThrows(ScriptException.class, () -> CommandLine.parse("partition (1"));
        assertThrows(ScriptException.class, () -> c.allowOptions("voters"), "index is not allowed");
        assertThrows(ScriptException.class, () -> CommandLine.parse("x k=1 k=2"), "an option given twice");
    }
}
