package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
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
 * End to end through {@code serve --manifests … --configmap ingress/linnet}: editing the
 * ConfigMap file turns {@code use-forwarded-headers} on while serving, and the allowlist of an
 * Ingress then checks the forwarded address (annotations-spec.md §4.5).
 */
class StandaloneClientTrustTest {

    private static final String HOST = "trust.example.com";

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

    private void writeConfigMap(String useForwardedHeaders) throws IOException {
        Files.writeString(manifests.resolve("configmap.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: linnet
                  namespace: ingress
                data:
                  use-forwarded-headers: "%s"
                  proxy-real-ip-cidr: "127.0.0.1/32"
                """.formatted(useForwardedHeaders));
    }

    @Test
    void editingTheConfigMapTrustsForwardedAddressesLive() throws Exception {
        backend = TestBackend.start("app");
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("app", backend.port()) + "---\n"
                + StandaloneServerTest.ingress("app", HOST, "app", """
                  annotations:
                    nginx.ingress.kubernetes.io/allowlist-source-range: "203.0.113.0/24"
                """));
        writeConfigMap("false");
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0,
                BuildOptions.serveAll().withConfigMap(new ConfigMapOptions("ingress/linnet", gateway, Set.of()))));
        TestClient client = new TestClient(server.httpPort());
        await().until(() -> server.routes().isPublished());
        assertThat(client.body(HOST, "X-Forwarded-For", "203.0.113.7")).as("the peer is 127.0.0.1").isEqualTo("HTTP 403");

        writeConfigMap("true");

        await().atMost(Duration.ofSeconds(10)).until(() -> client.body(HOST, "X-Forwarded-For", "203.0.113.7")
                .equals("app"));
        assertThat(backend.last().header("X-Real-IP")).isEqualTo("203.0.113.7");
        assertThat(backend.last().header("X-Forwarded-For")).isEqualTo("203.0.113.7");
        assertThat(client.body(HOST, "X-Forwarded-For", "198.51.100.1")).isEqualTo("HTTP 403");
    }
}
