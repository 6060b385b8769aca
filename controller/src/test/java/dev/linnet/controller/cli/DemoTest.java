package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    private static final String HOST = "canary.example.com";

    @Test
    void theDemoSplitsByRegionHeader(@TempDir Path workingDir) throws Exception {
        // No examples/ in workingDir: the demo serves the copy bundled on the classpath.
        try (Demo demo = Demo.start("127.0.0.1", 0, 0, 0, 0, workingDir)) {
            TestClient client = new TestClient(demo.httpPort());
            await().until(() -> demo.server().routes().isPublished());

            assertThat(client.body(HOST)).isEqualTo("nginx-v1");
            assertThat(client.body(HOST, "Region", "cd")).isEqualTo("nginx-v2");
            assertThat(client.body(HOST, "Region", "sz")).isEqualTo("nginx-v2");
            assertThat(client.body(HOST, "Region", "bj")).isEqualTo("nginx-v1");
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + demo.server().adminPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).as("labelled like serve's, so dashboards work on the demo")
                    .contains("controller_class=\"linnet.dev/ingress-controller\"");

            StringWriter out = new StringWriter();
            demo.printInstructions(new PrintWriter(out));
            assertThat(out.toString()).contains(
                    "curl -H \"Host: canary.example.com\" -H \"Region: cd\" localhost:" + demo.httpPort() + "/",
                    demo.manifestsDir().toString());
        }
    }

    @Test
    void aCheckoutsExamplesAreServedInPlaceWithTheDefaultPorts(@TempDir Path workingDir) throws Exception {
        Path local = Files.createDirectories(workingDir.resolve("examples/demo"));
        Files.writeString(local.resolve("x.yaml"), "port: 18081\n");

        try (DemoManifests m = DemoManifests.prepare(workingDir, 18081, 18082)) {
            assertThat(m.temporary()).isFalse();
            assertThat(m.dir()).isEqualTo(local.toAbsolutePath().normalize());
        }
        assertThat(local.resolve("x.yaml")).exists();
    }

    @Test
    void otherBackendPortsAreWrittenIntoATemporaryCopy(@TempDir Path workingDir) throws Exception {
        Path local = Files.createDirectories(workingDir.resolve("examples/demo"));
        Files.writeString(local.resolve("x.yaml"), "a: 18081\nb: 18082\n");

        Path copy;
        try (DemoManifests m = DemoManifests.prepare(workingDir, 20001, 20002)) {
            copy = m.dir();
            assertThat(m.temporary()).isTrue();
            assertThat(Files.readString(copy.resolve("x.yaml"))).isEqualTo("a: 20001\nb: 20002\n");
            assertThat(Files.readString(local.resolve("x.yaml"))).isEqualTo("a: 18081\nb: 18082\n");
        }
        assertThat(copy).doesNotExist();
    }

    @Test
    void theBundledManifestsAreTheExamples() throws Exception {
        // One source of truth: the jar's copy is examples/demo itself (copied by Maven).
        Path repoExamples = Path.of("..", "examples", "demo");
        Path bundled = Path.of(DemoTest.class.getResource("/examples/demo").toURI());
        try (var files = Files.list(repoExamples)) {
            for (Path f : files.toList()) {
                assertThat(bundled.resolve(f.getFileName().toString())).hasSameTextualContentAs(f);
            }
        }
    }
}
