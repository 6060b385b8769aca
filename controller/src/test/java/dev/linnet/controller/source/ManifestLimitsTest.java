package dev.linnet.controller.source;

import static dev.linnet.controller.source.Manifests.ingress;
import static dev.linnet.controller.source.Manifests.service;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.linnet.controller.build.ClusterState;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15, item 5: the API server's size limits, applied before the expensive parse. */
class ManifestLimitsTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();
    private FileSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    private ClusterState load() {
        source = FileSource.of(List.of(dir), clock::get, FileSource.Timings.DEFAULT);
        source.load(() -> { });
        return source.snapshot();
    }

    private static String withAnnotation(String manifest, int valueLength) {
        return manifest.replace("metadata:\n", "metadata:\n  annotations:\n    example.com/big: \"" + "x".repeat(valueLength)
                + "\"\n");
    }

    @Test
    void annotationsOverTheApiServersLimitRefuseTheFileNamingTheObject() throws IOException {
        Files.writeString(dir.resolve("big.yaml"), service("fine") + "---\n"
                + withAnnotation(ingress("web", "a.example.com", "web"), 300 << 10));
        Files.writeString(dir.resolve("other.yaml"), service("other"));

        try (LogCapture log = LogCapture.of(FileSource.class)) {
            ClusterState s = load();

            assertThat(s.services()).extracting(o -> o.getMetadata().getName()).containsExactly("other");
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("big.yaml:10: Ingress web: annotations are 307215 bytes (expected: at most 262144,"
                            + " the API server's limit)", "ignoring this file")
                    .hasSizeLessThan(400);
        }
    }

    @Test
    void annotationsJustUnderTheLimitAreServed() throws IOException {
        Files.writeString(dir.resolve("ok.yaml"), withAnnotation(ingress("web", "a.example.com", "web"), 200 << 10));

        assertThat(load().ingresses()).hasSize(1);
    }

    @Test
    void aDocumentLargerThanOneObjectMayBeIsRefusedUnparsed() throws IOException {
        // The 5 MB annotation of the issue: refused from its size alone, named by a cheap look.
        Files.writeString(dir.resolve("huge.yaml"), service("fine") + "---\n"
                + withAnnotation(ingress("web", "a.example.com", "web"), 5 << 20));
        Files.writeString(dir.resolve("other.yaml"), service("other"));

        try (LogCapture log = LogCapture.of(FileSource.class)) {
            ClusterState s = load();

            assertThat(s.services()).extracting(o -> o.getMetadata().getName()).containsExactly("other");
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("huge.yaml:10: Ingress web is 5243194 bytes (expected: at most 1572864); not parsed");
        }
    }

    @Test
    void aFileOverTheSizeCapIsRefusedUnread() throws IOException {
        Path big = dir.resolve("big.yaml");
        try (Writer w = Files.newBufferedWriter(big)) {
            String comment = "# " + "c".repeat(1021) + "\n";
            for (int i = 0; i <= 16 * 1024; i++) {
                w.write(comment);
            }
        }
        Files.writeString(dir.resolve("other.yaml"), service("other"));

        try (LogCapture log = LogCapture.of(FileSource.class)) {
            ClusterState s = load();

            assertThat(s.services()).extracting(o -> o.getMetadata().getName()).containsExactly("other");
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("big.yaml:1: file is 16778240 bytes (expected: at most 16777216); not parsed");
        }
    }

    @Test
    void aHugeNameIsShortenedInWarnings() throws IOException {
        Files.writeString(dir.resolve("old.yaml"), """
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata:
                  name: %s
                """.formatted("n".repeat(5000)));

        try (LogCapture log = LogCapture.of(ManifestParser.class)) {
            load();

            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("(5000 characters)", "is not served").hasSizeLessThan(400);
        }
    }

    @Test
    void utf8LengthCountsBytes() {
        assertThat(ManifestLimits.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
    }
}
