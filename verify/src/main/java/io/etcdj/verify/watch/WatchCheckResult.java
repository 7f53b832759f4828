package io.etcdj.verify.watch;

import java.util.List;

/**
 * The outcome of a watch check.
 *
 * @param violations every broken guarantee found, in stream order
 * @param notes      things the checker could not check and why (never violations)
 */
public record WatchCheckResult(List<WatchViolation> violations, List<String> notes) {

    /** How many violations {@link #explain()} lists. */
    private static final int LISTED = 50;

    public WatchCheckResult {
        violations = List.copyOf(violations);
        notes = List.copyOf(notes);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    /** The violations of one kind. */
    public List<WatchViolation> ofKind(WatchViolation.Kind kind) {
        return violations.stream().filter(v -> v.kind() == kind).toList();
    }

    /** A printable report. */
    public String explain() {
        StringBuilder text = new StringBuilder(ok() ? "watch guarantees hold" : violations.size() + " violation(s)");
        text.append('\n');
        violations.stream().limit(LISTED).forEach(v -> text.append("  ").append(v).append('\n'));
        if (violations.size() > LISTED) {
            text.append("  ... and ").append(violations.size() - LISTED).append(" more\n");
        }
        notes.forEach(n -> text.append("  note: ").append(n).append('\n'));
        return text.toString();
    }

    @Override
    public String toString() {
        return explain();
    }
}
