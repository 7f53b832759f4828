package io.etcdj.raft.script;

import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.raft.RaftConfig;
import io.etcdj.raft.RaftStatus;
import io.etcdj.raft.RawNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The script commands, each printing to the env's {@link Transcript} (a command that prints
 * nothing answers {@code ok}). IDs are node IDs (1, 2, ... in the order added).
 *
 * <dl>
 *   <dt>{@code log-level debug|info|warn|error|none}</dt>
 *   <dd>Which node log lines are printed (default info); {@code none} also hides the harness's output.</dd>
 *   <dt>{@code add-nodes N [voters=(1,2,3)] [learners=(4)] [index=I] [prevote=true] [checkquorum=true]
 *       [election=3] [heartbeat=1] [jitter=0] [max-msg-size=N] [max-inflight=N]}</dt>
 *   <dd>Adds N nodes with the next free IDs. With voters, learners or an index they start from a
 *       snapshot at index I (term 1; term 0 when I is 0) naming that configuration; otherwise empty (a
 *       new member waiting for the leader's snapshot). Pre-vote and check-quorum are off unless set.
 *       The randomized election timeout is exactly {@code election + jitter} ticks; appends are
 *       unbounded and the in-flight window 256 unless set.</dd>
 *   <dt>{@code campaign ID}</dt><dd>Starts an election on ID now (with pre-vote if configured).</dd>
 *   <dt>{@code propose ID data}</dt><dd>Proposes an entry (a follower forwards it).</dd>
 *   <dt>{@code propose-conf-change ID add=X|add-learner=X|remove=X|update=X}</dt><dd>Proposes one membership change.</dd>
 *   <dt>{@code tick ID [N]}, {@code tick-election ID}, {@code tick-heartbeat ID}</dt>
 *   <dd>Ticks N times (default 1), the election ticks, or the heartbeat ticks of ID.</dd>
 *   <dt>{@code restart ID}</dt>
 *   <dd>ID crashes and restarts from its storage: unpersisted state is lost, it comes back a follower
 *       and applies the committed entries after its latest snapshot again.</dd>
 *   <dt>{@code process-ready ID}</dt><dd>Prints and handles ID's Ready (persist, send, apply, advance).</dd>
 *   <dt>{@code deliver-msgs [ID...] [drop=(ID...)]}</dt>
 *   <dd>Steps the messages in flight to each ID into it, or drops those to the drop IDs.</dd>
 *   <dt>{@code stabilize [ID...]}</dt><dd>Handles Readies and delivers messages among the IDs (default all) until quiet.</dd>
 *   <dt>{@code partition (1) (2 3)}, {@code heal}</dt>
 *   <dd>Cuts the links between groups (nodes not named form one more group); heal restores all links.</dd>
 *   <dt>{@code status ID}, {@code raft-log ID}</dt><dd>Prints role, term, commit and the leader's progress; the persisted log.</dd>
 *   <dt>{@code compact ID I}</dt><dd>Snapshots ID's state machine at applied index I and discards the log up to I.</dd>
 *   <dt>{@code transfer-leadership FROM TO}</dt><dd>Asks FROM (the leader) to hand leadership to TO.</dd>
 *   <dt>{@code read-index ID ctx}</dt><dd>Asks ID for a linearizable read point; the answer shows up as a ReadState.</dd>
 * </dl>
 */
final class Commands {
    private Commands() {
    }

    static void run(CommandLine c, InteractionEnv env) {
        switch (c.name()) {
            case "log-level" -> env.out.setLevel(Transcript.Level.parse(c.allowOptions().positionalCount(1, 1).arg(0)));
            case "add-nodes" -> addNodes(c, env);
            case "campaign" -> {
                c.allowOptions().positionalCount(1, 1);
                onNode(c, env, RawNode::campaign);
            }
            case "propose" -> {
                c.allowOptions().positionalCount(2, 2);
                onNode(c, env, n -> n.propose(c.arg(1).getBytes(StandardCharsets.UTF_8)));
            }
            case "propose-conf-change" -> proposeConfChange(c, env);
            case "tick" -> {
                c.allowOptions().positionalCount(1, 2);
                tick(env, c.longArg(0), c.positional().size() == 2 ? c.longArg(1) : 1);
            }
            case "tick-election" -> tick(env, id(c), env.node(id(c)).options.electionTicks());
            case "tick-heartbeat" -> tick(env, id(c), env.node(id(c)).options.heartbeatTicks());
            case "restart" -> env.restart(id(c));
            case "process-ready" -> env.processReady(id(c));
            case "deliver-msgs" -> deliverMsgs(c, env);
            case "stabilize" -> env.stabilize(c.allowOptions().longArgs());
            case "partition" -> partition(c, env);
            case "heal" -> {
                c.allowOptions().positionalCount(0, 0);
                env.heal();
            }
            case "status" -> status(env.node(id(c)), env.out);
            case "raft-log" -> raftLog(env.node(id(c)), env.out);
            case "compact" -> compact(c, env);
            case "transfer-leadership" -> {
                c.allowOptions().positionalCount(2, 2);
                long to = c.longArg(1);
                env.node(to);
                env.guarded(() -> env.node(c.longArg(0)).node.transferLeadership(to));
            }
            case "read-index" -> {
                c.allowOptions().positionalCount(2, 2);
                onNode(c, env, n -> n.readIndex(c.arg(1).getBytes(StandardCharsets.UTF_8)));
            }
            default -> throw new ScriptException("unknown command " + c.name());
        }
    }

    private static long id(CommandLine c) {
        return c.allowOptions().positionalCount(1, 1).longArg(0);
    }

    /** Runs an input into the node named by the first argument. */
    private static void onNode(CommandLine c, InteractionEnv env, Consumer<RawNode> input) {
        RawNode n = env.node(c.longArg(0)).node;
        env.guarded(() -> input.accept(n));
    }

    private static void addNodes(CommandLine c, InteractionEnv env) {
        c.allowOptions("voters", "learners", "index", "prevote", "checkquorum", "election", "heartbeat", "jitter",
                "max-msg-size", "max-inflight").positionalCount(1, 1);
        int election = (int) c.longOption("election", 3);
        int jitter = (int) c.longOption("jitter", 0);
        if (jitter >= election) {
            throw new ScriptException("add-nodes: jitter (" + jitter + ") must be below election (" + election + ")");
        }
        var options = new InteractionEnv.NodeOptions(c.longListOption("voters"), c.longListOption("learners"),
                c.longOption("index", 0), c.boolOption("prevote", false), c.boolOption("checkquorum", false), election,
                (int) c.longOption("heartbeat", 1), jitter, c.longOption("max-msg-size", Long.MAX_VALUE),
                (int) c.longOption("max-inflight", RaftConfig.DEFAULT_MAX_INFLIGHT_MSGS));
        env.addNodes((int) c.longArg(0), options);
    }

    private static void proposeConfChange(CommandLine c, InteractionEnv env) {
        c.allowOptions("add", "add-learner", "remove", "update").positionalCount(1, 1);
        if (c.options().size() != 1) {
            throw new ScriptException("propose-conf-change: give exactly one of add=, add-learner=, remove=, update=");
        }
        Map.Entry<String, String> change = c.options().entrySet().iterator().next();
        ConfChangeType type = switch (change.getKey()) {
            case "add" -> ConfChangeType.ConfChangeAddNode;
            case "add-learner" -> ConfChangeType.ConfChangeAddLearnerNode;
            case "remove" -> ConfChangeType.ConfChangeRemoveNode;
            default -> ConfChangeType.ConfChangeUpdateNode;
        };
        ConfChange cc = ConfChange.newBuilder().setType(type).setNodeId(c.longOption(change.getKey(), 0)).build();
        onNode(c, env, n -> n.proposeConfChange(cc));
    }

    private static void tick(InteractionEnv env, long id, long times) {
        RawNode n = env.node(id).node;
        for (long i = 0; i < times; i++) {
            env.guarded(n::tick);
        }
    }

    private static void deliverMsgs(CommandLine c, InteractionEnv env) {
        c.allowOptions("drop");
        List<InteractionEnv.Recipient> recipients = new ArrayList<>();
        for (long id : c.longArgs()) {
            env.node(id);
            recipients.add(new InteractionEnv.Recipient(id, false));
        }
        for (long id : c.longListOption("drop")) {
            if (c.longArgs().contains(id)) {
                throw new ScriptException("deliver-msgs: cannot both deliver and drop messages to " + id);
            }
            recipients.add(new InteractionEnv.Recipient(id, true));
        }
        if (recipients.isEmpty()) {
            throw new ScriptException("deliver-msgs: name the recipients (IDs, or drop=(IDs))");
        }
        if (env.deliverMsgs(recipients) == 0) {
            env.out.print("no messages");
        }
    }

    private static void partition(CommandLine c, InteractionEnv env) {
        c.allowOptions();
        List<List<Long>> groups = new ArrayList<>();
        for (String g : c.positional()) {
            if (!g.startsWith("(")) {
                throw new ScriptException("partition: groups are parenthesized, as partition (1) (2 3); got " + g);
            }
            groups.add(c.parseList(g).stream().map(Long::parseLong).toList());
        }
        if (groups.isEmpty()) {
            throw new ScriptException("partition: name at least one group");
        }
        env.partition(groups);
        env.out.print("partitioned: " + env.describePartition());
    }

    private static void status(ScriptNode n, Transcript out) {
        RaftStatus s = n.node.status();
        out.print(Describe.role(s.role()) + " term=" + s.term() + " vote=" + s.vote() + " lead=" + s.leader()
                + " commit=" + s.commit() + " applied=" + s.applied()
                + (s.leadTransferee() != 0 ? " transferring-to=" + s.leadTransferee() : ""));
        out.print("config: " + Describe.confState(s.config()));
        s.progress().forEach((id, p) -> out.print(id + ": " + Describe.progress(p)));
    }

    private static void raftLog(ScriptNode n, Transcript out) {
        long first = n.storage.firstIndex();
        long last = n.storage.lastIndex();
        if (last < first) {
            out.print("log is empty: first index=" + first + ", last index=" + last);
            return;
        }
        List<Entry> entries = n.storage.entries(first, last + 1, Long.MAX_VALUE);
        out.print(Describe.entries(entries));
    }

    private static void compact(CommandLine c, InteractionEnv env) {
        c.allowOptions().positionalCount(2, 2);
        ScriptNode n = env.node(c.longArg(0));
        long index = c.longArg(1);
        ScriptNode.Applied state = n.at(index);
        n.storage.createSnapshot(index, state.confState(), state.data().getBytes(StandardCharsets.UTF_8));
        n.storage.compact(index);
        raftLog(n, env.out);
    }
}
