package io.etcdj.store.rocks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** Measures a RocksDB directory on disk. */
final class RocksFiles {
    private RocksFiles() {
    }

    /**
     * Bytes taken by the database's files: SST, WAL, MANIFEST and OPTIONS, not RocksDB's text logs
     * ({@code LOG}, {@code LOG.old.*}), which hold no data. Files that compaction deletes while
     * we count are skipped.
     */
    static long diskUsage(Path directory) {
        // RocksDB keeps all its files at the top level (we enable no WAL archive).
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("LOG"))
                    .mapToLong(RocksFiles::sizeIfRegularFile)
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException("rocks store: cannot measure " + directory, e);
        }
    }

    private static long sizeIfRegularFile(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes.size() : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
