package io.etcdj.store.lmdb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Defragmentation by copy: LMDB never shrinks its file, so a compacted copy (live pages only)
 * is written beside it and renamed over it. The rename is atomic, so a crash leaves either the
 * old file or the compacted one, plus at worst a stale copy directory that the next open removes.
 */
final class LmdbCompaction {
    private static final String COPY_DIRECTORY = "defrag.tmp";

    private LmdbCompaction() {
    }

    /** Writes and fsyncs a compacted copy of {@code environment}; returns the copy's data file. */
    static Path writeCompactedCopy(LmdbEnvironment environment, Path directory) throws IOException {
        Path copyDirectory = directory.resolve(COPY_DIRECTORY);
        removeLeftovers(directory);
        Files.createDirectory(copyDirectory);
        try {
            environment.copyCompacted(copyDirectory);
            Path copy = copyDirectory.resolve(LmdbEnvironment.DATA_FILE);
            fsync(copy, StandardOpenOption.WRITE);
            return copy;
        } catch (IOException | RuntimeException e) {
            removeLeftovers(directory);
            throw e;
        }
    }

    /** Renames the copy over the live data file (the environment must be closed) and makes that durable. */
    static void install(Path copy, Path directory) throws IOException {
        Files.move(copy, directory.resolve(LmdbEnvironment.DATA_FILE),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync(directory, StandardOpenOption.READ);
        removeLeftovers(directory);
    }

    /** Deletes the copy directory of an interrupted defragment, if any. */
    static void removeLeftovers(Path directory) throws IOException {
        Path copyDirectory = directory.resolve(COPY_DIRECTORY);
        if (!Files.isDirectory(copyDirectory)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(copyDirectory)) {
            files = listing.toList();
        }
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
        Files.deleteIfExists(copyDirectory);
    }

    private static void fsync(Path path, StandardOpenOption mode) throws IOException {
        try (FileChannel channel = FileChannel.open(path, mode)) {
            channel.force(true);
        }
    }
}
