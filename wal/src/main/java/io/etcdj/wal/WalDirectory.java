package io.etcdj.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The files of a WAL directory: which are segments, and syncing the directory itself. */
final class WalDirectory {
    private static final System.Logger LOG = System.getLogger(Wal.class.getName());

    /** The segments of a directory, oldest first, and the temporary files of segments never completed. */
    record Listing(List<SegmentName> segments, List<Path> tempFiles) {
    }

    private WalDirectory() {
    }

    /**
     * Lists {@code dir}. Files whose names are not exactly {@code %016x-%016x.wal} (or that pattern plus
     * {@code .tmp}) are ignored, with a warning if they end in {@code .wal}.
     *
     * @throws NoSuchFileException  if {@code dir} is not a directory or holds no segment
     * @throws WalCorruptException  if the segment sequence numbers are not consecutive
     */
    static Listing list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "wal: no such directory");
        }
        List<SegmentName> segments = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                SegmentName segment = SegmentName.parse(name);
                if (segment != null) {
                    segments.add(segment);
                } else if (SegmentName.parseTemp(name) != null) {
                    temps.add(file);
                } else if (name.endsWith(SegmentName.SUFFIX)) {
                    LOG.log(System.Logger.Level.WARNING, "wal: ignoring {0}: not a segment file name", file);
                }
            }
        }
        if (segments.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "wal: no segment files");
        }
        Collections.sort(segments);
        for (int i = 1; i < segments.size(); i++) {
            long expected = segments.get(i - 1).seq() + 1;
            if (segments.get(i).seq() != expected) {
                throw new WalCorruptException(dir.resolve(segments.get(i).fileName()),
                        "missing segment: expected sequence " + Long.toHexString(expected) + " before this file");
            }
        }
        return new Listing(List.copyOf(segments), List.copyOf(temps));
    }

    /** True if {@code dir} is a directory holding at least one segment file. */
    static boolean holdsSegments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (SegmentName.parse(file.getFileName().toString()) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Makes creations, renames and deletions of entries of {@code dir} durable. */
    static void sync(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
