package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 item 5 through the whole serve wiring: annotations written in manifest files reach the
 * gateway (file source ─▶ builder ─▶ RouteOptions ─▶ enforcement).
 */
class AnnotatedManifestsTest {

    @TempDir
    Path manifests;

    private TestBackend app;
    private StandaloneServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static String ingress(String name, String host, String path, String annotations) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                %s\
                spec:
                  rules:
                  - host: %s
                    http:
                      paths:
                      - path: %s
                        pathType: ImplementationSpecific
                        backend:
                          service:
                            name: app
                            port:
                              number: 80
                """.formatted(name, annotations, host, path);
    }

    private HttpResponse<String> send(String host, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header("Host", host);
        b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void annotationsInManifestsAreEnforcedByTheGateway() throws Exception {
        app = TestBackend.start("app");
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("app", app.port()) + "---\n"
                + ingress("api", "api.example.com", "/api/(.*)", """
                        nginx.ingress.kubernetes.io/rewrite-target: /v2/$1
                        nginx.ingress.kubernetes.io/proxy-body-size: 1k
                    """)
                + "---\n"
                + ingress("internal", "internal.example.com", "/", """
                        nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8,192.168.0.0/16
                    """));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> server.routes().isPublished());

        assertThat(send("api.example.com", "/API/users?page=2", null).statusCode()).isEqualTo(200);
        assertThat(app.last().uri()).isEqualTo("/v2/users?page=2");
        assertThat(send("api.example.com", "/api/upload", "x".repeat(1025)).statusCode()).isEqualTo(413);
        assertThat(send("api.example.com", "/api/upload", "x".repeat(1024)).statusCode()).isEqualTo(200);
        assertThat(send("internal.example.com", "/", null).statusCode()).as("127.0.0.1 is outside").isEqualTo(403);
        assertThat(app.seen()).extracting(TestBackend.Seen::uri).containsExactly("/v2/users?page=2", "/v2/upload");
    }

    /**
     * U6 through serve --manifests: with {@code service-upstream} the request goes to the
     * Service's ClusterIP (here 127.0.0.1 and the app's port), never to the pod endpoints (here
     * a port that refuses); without it, to the pods.
     */
    @Test
    void u6_serviceUpstreamGoesToTheClusterIp() throws Exception {
        app = TestBackend.start("app");
        int refusing;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            refusing = closed.getLocalPort();
        }
        String service = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: cluster
                spec:
                  clusterIP: 127.0.0.1
                  ports:
                  - name: http
                    port: %1$d
                    targetPort: %2$d
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: cluster-1
                  labels:
                    kubernetes.io/service-name: cluster
                addressType: IPv4
                ports:
                - name: http
                  port: %2$d
                endpoints:
                - addresses: ["127.0.0.1"]
                """.formatted(app.port(), refusing);
        Files.writeString(manifests.resolve("app.yaml"), service + "---\n"
                + ingress("via-cluster-ip", "on.example.com", "/", "    nginx.ingress.kubernetes.io/service-upstream: \"true\"\n")
                        .replace("number: 80", "number: " + app.port()).replace("name: app", "name: cluster")
                + "---\n"
                + ingress("via-pods", "off.example.com", "/", "    nginx.ingress.kubernetes.io/proxy-body-size: 1m\n")
                        .replace("number: 80", "number: " + app.port()).replace("name: app", "name: cluster"));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> server.routes().isPublished());

        assertThat(send("on.example.com", "/upload", "body").statusCode()).isEqualTo(200);
        assertThat(app.last().uri()).isEqualTo("/upload");
        assertThat(send("off.example.com", "/", null).statusCode()).as("the pod refuses").isEqualTo(502);
    }

    /**
     * Issue 14 item 11 and issue 19 through serve --manifests: an Ingress with a snippet outside the
     * safe subset answers as if it did not exist (the allow/deny before the unknown directive is not
     * applied either).
     */
    @Test
    void anIngressWithASnippetIsNotServedUnlessTheFlagSaysSo() throws Exception {
        app = TestBackend.start("app");
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("app", app.port()) + "---\n"
                + ingress("site", "shop.example.com", "/", "    nginx.ingress.kubernetes.io/proxy-body-size: 1m\n")
                + "---\n"
                + ingress("admin", "shop.example.com", "/admin", """
                        nginx.ingress.kubernetes.io/configuration-snippet: |
                          allow 10.0.0.0/8;
                          deny all;
                          sub_filter 'a' 'b';
                    """)
                + "---\n"
                + ingress("alone", "alone.example.com", "/", "    nginx.ingress.kubernetes.io/server-snippet: \"include x.conf;\"\n"));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);

        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> server.routes().isPublished());
        assertThat(send("alone.example.com", "/", null).statusCode()).as("not served").isEqualTo(404);
        assertThat(send("shop.example.com", "/admin/users", null).statusCode()).as("falls through to site's /")
                .isEqualTo(200);
        assertThat(app.seen()).extracting(TestBackend.Seen::uri).containsExactly("/admin/users");
        assertThat(server.routes().current().route("shop.example.com", "/admin/users").ingress()).isEqualTo("site");
        server.close();

        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0,
                BuildOptions.serveAll().withServeIngressesWithSnippets(true)));
        await().until(() -> server.routes().isPublished());
        assertThat(send("alone.example.com", "/", null).statusCode()).isEqualTo(200);
        assertThat(send("shop.example.com", "/admin/users", null).statusCode()).isEqualTo(200);
        assertThat(server.routes().current().route("shop.example.com", "/admin/users").ingress()).isEqualTo("admin");
    }
}
