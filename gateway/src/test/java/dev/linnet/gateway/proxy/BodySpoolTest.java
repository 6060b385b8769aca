package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The temporary-file directory is owner-only or not used at all (fails closed); the budget is a hard bound. */
class BodySpoolTest {

    @TempDir
    Path tmp;

    private static BodySpool open(Path dir, long max) {
        return BodySpool.open(ClientBodyBuffer.DEFAULT.withTemp(dir, max));
    }

    private static void assumePosix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    @Test
    void theDirectoryIsCreatedOwnerOnly() throws IOException {
        assumePosix();
        Path dir = tmp.resolve("a/client-body");
        try (BodySpool spool = open(dir, 1024)) {
            assertThat(spool.enabled()).isTrue();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void anExistingOpenDirectoryOfOursIsTightened() throws IOException {
        assumePosix();
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (BodySpool spool = open(dir, 1024)) {
            assertThat(spool.enabled()).isTrue();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void aSymbolicLinkOrAFileIsNotUsed() throws IOException {
        assumePosix();
        Path target = Files.createDirectory(tmp.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        try (BodySpool spool = open(link, 1024)) {
            assertThat(spool.enabled()).isFalse();
            assertThat(spool.reserve(1)).as("no budget").isFalse();
        }
        try (BodySpool spool = open(Files.createFile(tmp.resolve("file")), 1024)) {
            assertThat(spool.enabled()).isFalse();
        }
    }

    @Test
    void aZeroBudgetMeansNoTemporaryFiles() {
        try (BodySpool spool = open(tmp.resolve("unused"), 0)) {
            assertThat(spool.enabled()).isFalse();
        }
        assertThat(tmp.resolve("unused")).doesNotExist();
    }

    @Test
    void theBudgetIsSharedAndGivenBack() {
        try (BodySpool spool = open(tmp.resolve("b"), 100)) {
            assertThat(spool.reserve(60)).isTrue();
            assertThat(spool.reserve(41)).isFalse();
            assertThat(spool.reserve(40)).isTrue();
            assertThat(spool.usedBytes()).isEqualTo(100);
            spool.free(60);
            assertThat(spool.reserve(41)).isTrue();
        }
    }

    /** A file is owner-only and has no name once open (nginx unlinks its client body files too). */
    @Test
    void filesAreUnlinkedAsTheyAreOpened() throws IOException {
        assumePosix();
        Path dir = tmp.resolve("c");
        try (BodySpool spool = open(dir, 100)) {
            FileChannel file = spool.newFile();
            assertThat(spool.openFiles()).isEqualTo(1);
            try (Stream<Path> names = Files.list(dir)) {
                assertThat(names).isEmpty();
            }
            spool.closed(file);
            assertThat(file.isOpen()).isFalse();
            assertThat(spool.openFiles()).isZero();
        }
    }
}
