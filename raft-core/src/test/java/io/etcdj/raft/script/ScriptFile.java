package io.etcdj.raft.script;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A parsed interaction script in the datadriven format of etcd raft's {@code testdata/*.txt}:
 *
 * <pre>
 * # a comment
 * command arg key=value key=(1,2,3)
 * ----
 * expected output, one or more lines, ending at a blank line
 * </pre>
 *
 * Comments and blank lines between directives are kept verbatim, so {@link #render} can write the
 * file back with new outputs (the rewrite mode) without losing them. Expected outputs never
 * contain blank lines (the interpreter never prints one), which keeps the format unambiguous.
 *
 * @param name  the file name, for messages
 * @param parts the file's lines in order: verbatim lines and directives
 */
record ScriptFile(String name, List<Part> parts) {
    static final String SEPARATOR = "----";
    /** A script whose first line starts with this is skipped, with the rest of that line as the reason. */
    static final String DISABLED_MARK = "# disabled:";

    sealed interface Part {
    }

    /** A comment or a blank line. */
    record Verbatim(String line) implements Part {
    }

    /**
     * A command and the output expected from it.
     *
     * @param line    the 1-based line number of the command
     * @param command the command line
     * @param expected the expected output lines (never empty in a well-formed script)
     */
    record Directive(int line, String command, List<String> expected) implements Part {
    }

    static ScriptFile parse(String name, String text) {
        List<String> lines = text.lines().toList();
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                parts.add(new Verbatim(line));
                i++;
                continue;
            }
            int commandLine = i + 1;
            if (i + 1 >= lines.size() || !lines.get(i + 1).equals(SEPARATOR)) {
                throw new ScriptException(name + ":" + commandLine + ": expected a \"" + SEPARATOR
                        + "\" line after the command \"" + line + "\"");
            }
            i += 2;
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                expected.add(lines.get(i));
                i++;
            }
            parts.add(new Directive(commandLine, line.strip(), List.copyOf(expected)));
        }
        return new ScriptFile(name, List.copyOf(parts));
    }

    List<Directive> directives() {
        return parts.stream().filter(p -> p instanceof Directive).map(p -> (Directive) p).toList();
    }

    /** The reason given on a first line {@code # disabled: reason}, or null when the script runs. */
    String disabledReason() {
        if (!parts.isEmpty() && parts.get(0) instanceof Verbatim(String line) && line.startsWith(DISABLED_MARK)) {
            return line.substring(DISABLED_MARK.length()).strip();
        }
        return null;
    }

    /** The file's text with each directive's output given by {@code output}. */
    String render(Function<Directive, List<String>> output) {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            switch (p) {
                case Verbatim v -> sb.append(v.line()).append('\n');
                case Directive d -> {
                    sb.append(d.command()).append('\n').append(SEPARATOR).append('\n');
                    for (String l : output.apply(d)) {
                        sb.append(l).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }
}
