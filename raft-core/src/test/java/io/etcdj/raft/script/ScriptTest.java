package io.etcdj.raft.script;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * Runs every interaction script under {@code src/test/resources/scripts} (one dynamic test per
 * {@code *.txt} file) and compares each command's output with the transcript in the file. The
 * format and commands are described in {@link ScriptFile} and {@link Commands}.
 *
 * <ul>
 *   <li>{@code -Draft.script.rewrite=true} writes the actual outputs back into the files (then
 *       read the diff: a transcript is only as good as its review);</li>
 *   <li>{@code -Draft.script.filter=name} runs only scripts whose file name contains {@code name};</li>
 *   <li>{@code -Draft.script.dir=path} reads scripts from elsewhere (default relative to the module).</li>
 * </ul>
 * A script whose first line is {@code # disabled: reason} is skipped with that reason (how a script
 * showing a known bug is parked).
 */
class ScriptTest {
    static Path scriptDir() {
        return Path.of(System.getProperty("raft.script.dir", "src/test/resources/scripts")).toAbsolutePath();
    }

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        Path dir = scriptDir();
        assertTrue(Files.isDirectory(dir), "no script directory at " + dir + " (run from the raft-core module)");
        boolean rewrite = Boolean.getBoolean("raft.script.rewrite");
        String filter = System.getProperty("raft.script.filter", "");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".txt"))
                    .filter(p -> p.getFileName().toString().contains(filter)).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no scripts in " + dir + (filter.isEmpty() ? "" : " matching " + filter));
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), file.toUri(), () -> {
            ScriptFile script = ScriptRunner.load(file);
            String disabled = script.disabledReason();
            Assumptions.assumeTrue(disabled == null, () -> "disabled: " + disabled);
            ScriptRunner.Result result = ScriptRunner.run(script);
            if (rewrite) {
                ScriptRunner.write(file, result.rewritten());
            } else if (!result.mismatches().isEmpty()) {
                throw new AssertionFailedError(result.failureMessage(), script.render(ScriptFile.Directive::expected),
                        result.rewritten());
            }
        }));
    }
}
