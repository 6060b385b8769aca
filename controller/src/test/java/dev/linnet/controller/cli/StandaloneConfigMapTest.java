package dev.linnet.controller.cli;

import static dev.linnet.controller.cli.StandaloneServerTest.ingress;
import static dev.linnet.controller.cli.StandaloneServerTest.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --manifests DIR --configmap NS/NAME}: the controller ConfigMap is one of the manifest
 * files, and editing it changes the gateway's settings live (annotations-spec.md §8.1, S6).
 */
class StandaloneConfigMapTest {

    private static final String HOST = "live.example.com";

    @TempDir
    Path manifests;

    private TestBackend backend;
    private StandaloneServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void start(GatewayConfig gateway, Set<String> explicitFlags) throws Exception {
        backend = TestBackend.start("backend");
        Files.writeString(manifests.resolve("app.yaml"), service("app", backend.port()) + "---\n"
                + ingress("app", "app", ""));
        BuildOptions options = BuildOptions.serveAll()
                .withConfigMap(new ConfigMapOptions("edge/linnet", gateway, explicitFlags));
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, options));
        await().until(() -> server.routes().isPublished());
    }

    private void writeConfigMap(String namespace, String data) throws IOException {
        Files.writeString(manifests.resolve("controller-configmap.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: linnet
                  namespace: %s
                data:
                %s""".formatted(namespace, data.indent(2)));
    }

    private int post(int bytes) throws IOException {
        return RawHttp.postStatus(server.httpPort(), HOST, bytes);
    }

    private static GatewayConfig gateway() {
        return GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0).withMaxRequestBodySize(1 << 20);
    }

    @Test
    void editingTheConfigMapFileChangesTheBodyLimitWithoutARestart() throws Exception {
        writeConfigMap("edge", "proxy-body-size: \"1k\"\n");
        start(gateway(), Set.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> post(2048) == 413);
        int port = server.httpPort();

        writeConfigMap("edge", "proxy-body-size: \"4k\"\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> post(2048) == 200);
        assertThat(post(8192)).isEqualTo(413);

        Files.delete(manifests.resolve("controller-configmap.yaml")); // gone: the flags' settings again (1m)
        await().atMost(Duration.ofSeconds(10)).until(() -> post(8192) == 200);
        assertThat(server.httpPort()).as("same listener throughout").isEqualTo(port);
    }

    @Test
    void aConfigMapOfAnotherNameOrNamespaceIsNotTheControllers() throws Exception {
        writeConfigMap("other", "proxy-body-size: \"1k\"\n");
        start(gateway(), Set.of());
        assertThat(post(2048)).isEqualTo(200);
    }

    @Test
    void anInvalidValueKeepsTheDefaultAndTheOtherKeysApply() throws Exception {
        writeConfigMap("edge", "proxy-body-size: \"lots\"\nproxy-read-timeout: \"1\"\n");
        start(gateway(), Set.of());
        assertThat(post(2048)).as("1m, the flags' value").isEqualTo(200);
    }

    @Test
    void anExplicitFlagWinsOverTheConfigMap() throws Exception {
        writeConfigMap("edge", "proxy-body-size: \"1k\"\n");
        start(gateway(), Set.of("--max-body-size"));
        assertThat(post(2048)).isEqualTo(200);
    }

    private int get(String host, String... headers) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.httpPort() + "/")).header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return java.net.http.HttpClient.newHttpClient().send(b.build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void blockListsAnswer403OnEveryHostAndFollowEdits() throws Exception {
        writeConfigMap("edge", """
                block-user-agents: "~*curl, BadBot/1.0"
                block-referers: "~spam[.]example"
                """);
        start(gateway(), Set.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> get(HOST, "User-Agent", "curl/8.5") == 403);
        assertThat(get("nowhere.example", "User-Agent", "CURL/8.5")).as("every host, ~* ignores case").isEqualTo(403);
        assertThat(get(HOST, "User-Agent", "badbot/1.0")).as("a string: whole, ignoring case").isEqualTo(403);
        assertThat(get(HOST, "User-Agent", "BadBot/1.0 (compatible)")).isEqualTo(200);
        assertThat(get(HOST, "Referer", "http://spam.example/x")).isEqualTo(403);
        assertThat(get(HOST, "Referer", "http://SPAM.example/x")).as("~ is case-sensitive").isEqualTo(200);
        assertThat(get(HOST)).isEqualTo(200);

        writeConfigMap("edge", "block-cidrs: \"not-an-address, 127.0.0.0/8\"\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> get(HOST) == 403); // the valid entry blocks
        writeConfigMap("edge", "block-cidrs: \"10.0.0.0/8\"\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> get(HOST, "User-Agent", "curl/8.5") == 200);
    }
}
