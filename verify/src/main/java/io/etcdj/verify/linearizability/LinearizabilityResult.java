package io.etcdj.verify.linearizability;

import java.util.List;

/**
 * The outcome of a linearizability check.
 *
 * @param verdict    NOT_LINEARIZABLE if any partition is, else UNKNOWN if any partition ran out of budget, else
 *                   LINEARIZABLE
 * @param partitions one result per partition, in the order partitions first appear in the history
 */
public record LinearizabilityResult<I, O>(Verdict verdict, List<PartitionResult<I, O>> partitions) {

    public LinearizabilityResult {
        partitions = List.copyOf(partitions);
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    /** Partitions proved not linearizable. */
    public List<PartitionResult<I, O>> failures() {
        return partitions.stream().filter(p -> p.verdict() == Verdict.NOT_LINEARIZABLE).toList();
    }

    /** A printable report: the verdict, then every partition that is not linearizable or undecided. */
    public String explain() {
        StringBuilder text = new StringBuilder(verdict.toString()).append(" (").append(partitions.size())
                .append(" partition(s), ")
                .append(partitions.stream().mapToInt(PartitionResult::operations).sum()).append(" operation(s), ")
                .append(partitions.stream().mapToLong(PartitionResult::statesExplored).sum())
                .append(" state(s) explored)\n");
        for (PartitionResult<I, O> p : partitions) {
            switch (p.verdict()) {
                case NOT_LINEARIZABLE -> text.append(p.counterexample());
                case UNKNOWN -> text.append("partition ").append(p.partition()).append(": UNKNOWN, budget exhausted after ")
                        .append(p.statesExplored()).append(" state(s) over ").append(p.operations())
                        .append(" operation(s)\n");
                case LINEARIZABLE -> {
                }
            }
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return explain();
    }
}
