package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TlsClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's response and TLS keys end to end: manifest files, {@code --configmap},
 * the real serve wiring, real handshakes. Editing the ConfigMap file (or the one its
 * {@code add-headers} names) changes HSTS, Server, add-headers and the TLS protocols live,
 * without a restart.
 */
class StandaloneResponseHeadersTest {

    private static final String HOST = "secure.example.com";

    @TempDir
    Path manifests;

    private TestBackend backend;
    private StandaloneServer server;

    @BeforeEach
    void startBackend() throws IOException {
        backend = TestBackend.start("stable");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        backend.close();
    }

    private static String configMap(String name, String... data) {
        StringBuilder b = new StringBuilder("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                data:
                """.formatted(name));
        for (int i = 0; i < data.length; i += 2) {
            b.append("  ").append(data[i]).append(": \"").append(data[i + 1]).append("\"\n");
        }
        return b.toString();
    }

    private TlsClient.Result get() {
        return TlsClient.get(server.httpsPort(), HOST, HOST, "/");
    }

    @Test
    void editingTheConfigMapChangesHstsServerAddHeadersAndProtocolsLive() throws Exception {
        Issued cert = TestCertificates.issue("secure", HOST);
        Files.writeString(manifests.resolve("backend.yaml"), StandaloneServerTest.service("stable", backend.port()));
        Files.writeString(manifests.resolve("ingress.yaml"), StandaloneTlsTest.ingress("secure", HOST, "secure-tls"));
        Files.writeString(manifests.resolve("secrets.yaml"), StandaloneTlsTest.secret("secure-tls", cert));
        Files.writeString(manifests.resolve("extra.yaml"), configMap("extra", "X-Frame-Options", "DENY"));
        Path config = manifests.resolve("config.yaml");
        Files.writeString(config, configMap("linnet", "hsts-max-age", "86400", "server-tokens", "true",
                "add-headers", "default/extra"));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0).withHttpsPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0,
                BuildOptions.serveAll().withConfigMap(new ConfigMapOptions("default/linnet", gateway, Set.of()))));
        await().until(() -> server.routes().current().certificates().lookup(HOST) != null);

        await().atMost(Duration.ofSeconds(10)).until(() -> get().headers("strict-transport-security")
                .equals(List.of("max-age=86400; includeSubDomains")));
        TlsClient.Result first = get();
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers("server")).singleElement().asString().startsWith("linnet/");
        assertThat(first.headers("x-frame-options")).containsExactly("DENY");
        assertThat(first.protocol()).isEqualTo("TLSv1.3");

        // the ConfigMap add-headers names is watched too
        Files.writeString(manifests.resolve("extra.yaml"), configMap("extra", "X-Frame-Options", "SAMEORIGIN"));
        await().atMost(Duration.ofSeconds(10)).until(() -> get().headers("x-frame-options").equals(List.of("SAMEORIGIN")));

        Files.writeString(config, configMap("linnet", "hsts-max-age", "600", "hsts-preload", "true",
                "ssl-protocols", "TLSv1.2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> get().headers("strict-transport-security")
                .equals(List.of("max-age=600; includeSubDomains; preload")));
        TlsClient.Result second = get();
        assertThat(second.headers("server")).as("server-tokens back to false").isEmpty();
        assertThat(second.headers("x-frame-options")).as("add-headers removed").isEmpty();
        assertThat(second.protocol()).isEqualTo("TLSv1.2");
    }

    /**
     * hide-headers (nginx's http-level proxy_hide_header) filters only what upstreams send: the
     * gateway's own answers and what it adds to a proxied response (the affinity cookie) keep every
     * header, over HTTP/1.1 and HTTP/2, and a ConfigMap edit applies to the next response.
     */
    @Test
    void hideHeadersRemovesUpstreamHeadersOnlyAndFollowsEdits() throws Exception {
        backend.respondWithHeaders(Map.of("X-Powered-By", "PHP/8.3", "X-Keep", "yes", "Server", "backend/1"));
        Files.writeString(manifests.resolve("backend.yaml"), StandaloneServerTest.service("stable", backend.port()));
        String affinity = "  annotations:\n    nginx.ingress.kubernetes.io/affinity: cookie\n";
        String redirect = "  annotations:\n    nginx.ingress.kubernetes.io/permanent-redirect: https://elsewhere.example/\n";
        String hideOther = "  annotations:\n    nginx.ingress.kubernetes.io/configuration-snippet:"
                + " \"proxy_hide_header X-Other;\"\n";
        Files.writeString(manifests.resolve("ingress.yaml"), StandaloneServerTest.ingress("app", "app.example.com",
                "stable", affinity) + "---\n" + StandaloneServerTest.ingress("moved", "moved.example.com", "stable",
                redirect) + "---\n" + StandaloneServerTest.ingress("empty", "empty.example.com", "nowhere", "")
                + "---\n" + StandaloneServerTest.ingress("snippet", "snippet.example.com", "stable", hideOther));
        Path config = manifests.resolve("config.yaml");
        Files.writeString(config, configMap("linnet", "hide-headers", "X-Powered-By, Server"));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0,
                BuildOptions.serveAll().withConfigMap(new ConfigMapOptions("default/linnet", gateway, Set.of()))));
        await().until(() -> server.routes().isPublished());
        TestClient client = new TestClient(server.httpPort());

        await().atMost(Duration.ofSeconds(10)).until(() -> client.get("app.example.com").statusCode() == 200);
        HttpResponse<String> proxied = client.get("app.example.com");
        assertThat(proxied.body()).isEqualTo("stable");
        assertThat(proxied.headers().firstValue("x-keep")).hasValue("yes");
        assertThat(proxied.headers().allValues("x-powered-by")).isEmpty();
        assertThat(proxied.headers().allValues("server")).isEmpty();
        assertThat(proxied.headers().firstValue("set-cookie")).get().asString().startsWith("INGRESSCOOKIE=");

        // Deliberate difference: in nginx a location's own proxy_hide_header replaces the http-level
        // list; in Linnet it adds to it, so a snippet cannot un-hide what the ConfigMap hides.
        HttpResponse<String> snippet = client.get("snippet.example.com");
        assertThat(snippet.headers().firstValue("x-keep")).hasValue("yes");
        assertThat(snippet.headers().allValues("x-powered-by")).isEmpty();

        try (H2Client h2 = H2Client.connect(server.httpPort())) {
            H2Client.Response r = h2.send(H2Client.headers("GET", "app.example.com", "/"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("x-keep")).hasToString("yes");
            assertThat(r.headers().contains("x-powered-by")).as("hidden over HTTP/2 too").isFalse();
        }

        // Hiding what the gateway itself sends changes nothing on its own answers, nor on its cookie.
        Files.writeString(config, configMap("linnet", "hide-headers", "X-Keep, Location, Content-Type, Set-Cookie"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.get("app.example.com").headers()
                .firstValue("x-keep").isEmpty());
        HttpResponse<String> edited = client.get("app.example.com");
        assertThat(edited.headers().firstValue("x-powered-by")).as("no longer hidden").hasValue("PHP/8.3");
        assertThat(edited.headers().allValues("content-type")).as("the upstream's, hidden").isEmpty();
        assertThat(edited.headers().firstValue("set-cookie")).as("the gateway's affinity cookie").get().asString()
                .startsWith("INGRESSCOOKIE=");
        HttpResponse<String> moved = client.get("moved.example.com");
        assertThat(moved.statusCode()).isEqualTo(301);
        assertThat(moved.headers().firstValue("location")).hasValue("https://elsewhere.example/");
        HttpResponse<String> unavailable = client.get("empty.example.com");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("content-type")).get().asString().startsWith("text/");
    }
}
