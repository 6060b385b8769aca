package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log of {@code serve --manifests --configmap}: lines on standard output in
 * ingress-nginx's default format, the {@code enable-access-log} annotation, and a
 * {@code log-format-upstream} edited in the ConfigMap file taking effect without a restart.
 */
class StandaloneAccessLogTest {

    @TempDir
    Path manifests;

    private final TestBackend app = start("app");
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final PrintStream original = System.out;
    private StandaloneServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static TestBackend start(String name) {
        try {
            return TestBackend.start(name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        System.setOut(original);
        app.close();
    }

    private void write(String format) throws Exception {
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("app", app.port()) + "---\n"
                + StandaloneServerTest.ingress("app", "app.example.com", "app", "")
                + "---\n"
                + StandaloneServerTest.ingress("quiet", "quiet.example.com", "app", """
                          annotations:
                            nginx.ingress.kubernetes.io/enable-access-log: "false"
                        """)
                + "---\n"
                + """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: linnet
                          namespace: default
                        data:
                        """ + (format == null ? "  {}\n" : "  log-format-upstream: '" + format + "'\n"));
    }

    private int get(String host, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Host", host).build();
        return client.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Standard output's lines that are not the process's own log (which goes there too). */
    private List<String> accessLines(String marker) {
        return stdout.toString(StandardCharsets.ISO_8859_1).lines().filter(l -> l.contains(marker)).toList();
    }

    @Test
    void linesGoToStandardOutputInTheConfigMapsFormat() throws Exception {
        write(null);
        System.setOut(new PrintStream(stdout, true, StandardCharsets.ISO_8859_1));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0,
                BuildOptions.serveAll().withConfigMap(new ConfigMapOptions("default/linnet", gateway, Set.of()))));
        await().until(() -> server.routes().isPublished());

        assertThat(get("quiet.example.com", "/hidden")).isEqualTo(200);
        assertThat(get("app.example.com", "/shown")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !accessLines("\"GET /shown HTTP/1.1\"").isEmpty());
        assertThat(accessLines("\"GET /shown HTTP/1.1\"")).singleElement().asString()
                .startsWith("127.0.0.1 - - [").contains("\" 200 3 \"-\" \"Java-http-client/")
                .contains(" [default-app-80] [] 127.0.0.1:" + app.port() + " 3 ");
        assertThat(accessLines("/hidden")).as("enable-access-log: false").isEmpty();

        write("$host $status $uri ingress=$namespace/$ingress_name");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            get("app.example.com", "/again");
            return !accessLines("app.example.com 200 /again ingress=default/app").isEmpty();
        });
    }
}
