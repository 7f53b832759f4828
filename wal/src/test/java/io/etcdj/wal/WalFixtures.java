package io.etcdj.wal;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared builders for WAL tests. */
final class WalFixtures {
    static final byte[] METADATA = "member=1 cluster=7".getBytes();

    private WalFixtures() {
    }

    static Entry entry(long index, long term) {
        return entry(index, term, 8);
    }

    static Entry entry(long index, long term, int dataBytes) {
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < dataBytes; i++) {
            data[i] = (byte) (index * 31 + i * 7 + 1); // varied, rarely zero runs
        }
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFrom(data)).build();
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(entry(i, term));
        }
        return list;
    }

    static HardState state(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }

    static SnapshotMetadata mark(long index, long term) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(9)).build();
    }

    static WalOptions smallSegments(long bytes) {
        return WalOptions.defaults().withSegmentSizeBytes(bytes);
    }

    /** Opens, returns the contents, and closes again. */
    static WalContents read(Path dir) throws IOException {
        Wal.Opened opened = Wal.open(dir, WalOptions.defaults());
        opened.wal().close();
        return opened.contents();
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> SegmentName.parse(p.getFileName().toString()) != null).sorted().toList();
        }
    }

    static Path onlySegment(Path dir) throws IOException {
        List<Path> files = segmentFiles(dir);
        if (files.size() != 1) {
            throw new AssertionError("expected one segment, found " + files);
        }
        return files.getFirst();
    }

    /** Copies the segment files of {@code from} into the new directory {@code to}. */
    static void copyWal(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path file : segmentFiles(from)) {
            Files.copy(file, to.resolve(file.getFileName()));
        }
    }
}
