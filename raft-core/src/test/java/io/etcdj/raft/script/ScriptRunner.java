package io.etcdj.raft.script;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one script against a fresh {@link InteractionEnv} and compares each command's output with
 * the transcript in the file. In rewrite mode it writes the actual outputs back into the file
 * instead (review the diff before keeping it).
 */
final class ScriptRunner {
    /** A directive whose output differs from its transcript. */
    record Mismatch(ScriptFile.Directive directive, List<String> actual) {
    }

    /** The outcome of a run: every directive's actual output, and the ones that differ. */
    record Result(ScriptFile script, Map<ScriptFile.Directive, List<String>> outputs, List<Mismatch> mismatches) {
        String rewritten() {
            return script.render(outputs::get);
        }

        /** A report naming the script, each differing command's line, and its expected and actual output. */
        String failureMessage() {
            StringBuilder sb = new StringBuilder();
            sb.append(script.name()).append(": ").append(mismatches.size()).append(" of ")
                    .append(outputs.size()).append(" commands differ from the transcript");
            for (Mismatch m : mismatches) {
                ScriptFile.Directive d = m.directive();
                sb.append("\n\n").append(script.name()).append(':').append(d.line()).append(": ").append(d.command());
                int at = firstDifference(d.expected(), m.actual());
                sb.append("\n  first difference at output line ").append(at + 1).append(":")
                        .append("\n    expected: ").append(at < d.expected().size() ? d.expected().get(at) : "<end of output>")
                        .append("\n    actual:   ").append(at < m.actual().size() ? m.actual().get(at) : "<end of output>");
                sb.append("\n  --- expected\n");
                d.expected().forEach(l -> sb.append("  | ").append(l).append('\n'));
                sb.append("  +++ actual\n");
                m.actual().forEach(l -> sb.append("  | ").append(l).append('\n'));
            }
            sb.append("\nIf the new behaviour is right, rerun with -Draft.script.rewrite=true and review the diff.");
            return sb.toString();
        }

        private static int firstDifference(List<String> a, List<String> b) {
            int i = 0;
            while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
                i++;
            }
            return i;
        }
    }

    private ScriptRunner() {
    }

    static Result run(ScriptFile script) {
        InteractionEnv env = new InteractionEnv();
        Map<ScriptFile.Directive, List<String>> outputs = new HashMap<>();
        List<Mismatch> mismatches = new ArrayList<>();
        for (ScriptFile.Directive d : script.directives()) {
            try {
                Commands.run(CommandLine.parse(d.command()), env);
            } catch (ScriptException e) {
                throw new ScriptException(script.name() + ":" + d.line() + ": " + d.command() + ": " + e.getMessage());
            }
            List<String> actual = env.out.take();
            outputs.put(d, actual);
            if (!actual.equals(d.expected())) {
                mismatches.add(new Mismatch(d, actual));
            }
        }
        return new Result(script, outputs, List.copyOf(mismatches));
    }

    static ScriptFile load(Path file) {
        try {
            return ScriptFile.parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
