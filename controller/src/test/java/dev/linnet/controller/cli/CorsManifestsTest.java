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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * annotations-spec.md §9.1 (ingress-nginx's {@code test/e2e/annotations/cors.go}) and §9.9 X1-X3
 * through {@code serve --manifests}: each row has its own host {@code cN.cors.test}, one server
 * for all, a real backend that records whether it was called.
 */
class CorsManifestsTest {

    private static final String P = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path manifests;

    private static TestBackend app;
    private static TestBackend canary;
    private static StandaloneServer server;
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Row → annotations (besides enable-cors, which every row has). */
    private static final List<String[]> ROWS = List.of(
            new String[] {"c1"},
            new String[] {"c2", "cors-allow-methods", "POST, GET"},
            new String[] {"c3", "cors-max-age", "200"},
            new String[] {"c4", "cors-allow-credentials", "false"},
            new String[] {"c5", "cors-allow-origin", "https://origin.cors.com:8080"},
            new String[] {"c6", "cors-allow-headers", "DNT, User-Agent"},
            new String[] {"c7", "cors-expose-headers", "X-CustomResponseHeader, X-CustomSecondHeader"},
            new String[] {"c8", "cors-allow-origin", "https://origin.cors.com:8080, https://origin2.cors.com"},
            new String[] {"c9", "cors-allow-origin", "http://origin2.cors.com, https://origin.com"},
            new String[] {"c10", "cors-allow-origin", "origin.cors.com:8080, https://origin2.cors.com, https://origin.com"},
            new String[] {"c11", "cors-allow-origin", "*"},
            new String[] {"c13", "cors-allow-origin", "*, foo.bar.com"},
            new String[] {"c14", "cors-allow-origin", "https://foo.bar.com"},
            new String[] {"c15", "cors-allow-origin", "http://origin.cors.com:8080, http://origin.com:8080"},
            new String[] {"c16", "cors-allow-origin", "https://origin2.cors.com, http://origin.com"},
            new String[] {"c18", "cors-allow-origin", "http://*.origin.cors.com, http://*.origin.com:8080"},
            new String[] {"c20", "cors-allow-origin", "http://origin.cors.com:8080, http://*.origin.com:8080"},
            new String[] {"c23", "cors-allow-origin", "      "},
            new String[] {"c24", "cors-allow-origin",
                    "https://origin-123.cors.com:8080,   ,https://origin-321.cors.com:8080,"},
            new String[] {"c25", "cors-allow-origin", "test://localhost, tauri://localhost:3000"});

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        canary = TestBackend.start("canary");
        StringBuilder yaml = new StringBuilder(StandaloneServerTest.service("app", app.port()))
                .append("---\n").append(StandaloneServerTest.service("canary", canary.port()));
        for (String[] row : ROWS) {
            StringBuilder a = new StringBuilder("    " + P + "enable-cors: \"true\"\n");
            for (int i = 1; i < row.length; i += 2) {
                a.append("    ").append(P).append(row[i]).append(": \"").append(row[i + 1]).append("\"\n");
            }
            yaml.append("---\n").append(ingress(row[0], row[0] + ".cors.test", "app", a.toString()));
        }
        // a canary under a main with CORS and a redirect on /moved: the main's settings apply to it
        yaml.append("---\n").append(ingress("main", "split.cors.test", "app",
                "    " + P + "enable-cors: \"true\"\n    " + P + "cors-allow-origin: \"https://web.example\"\n"));
        yaml.append("---\n").append(ingress("moved", "moved.cors.test", "app",
                "    " + P + "enable-cors: \"true\"\n    " + P + "permanent-redirect: \"https://new.example/\"\n"));
        yaml.append("---\n").append(ingress("split-canary", "split.cors.test", "canary",
                "    " + P + "canary: \"true\"\n    " + P + "canary-by-header: \"x-canary\"\n    " + P
                        + "enable-cors: \"false\"\n"));
        yaml.append("---\n").append(ingress("moved-canary", "moved.cors.test", "canary",
                "    " + P + "canary: \"true\"\n    " + P + "canary-weight: \"100\"\n"));
        Files.writeString(manifests.resolve("cors.yaml"), yaml);
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> server.routes().isPublished());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        app.close();
        canary.close();
    }

    private static String ingress(String name, String host, String service, String annotations) {
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
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: %s
                            port:
                              number: 80
                """.formatted(name, annotations, host, service);
    }

    private static HttpResponse<String> send(String method, String host, String origin, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/"))
                .timeout(Duration.ofSeconds(10)).header("Host", host).method(method, HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            b.header("Origin", origin);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String row, String origin) throws Exception {
        return send("GET", row + ".cors.test", origin);
    }

    private static String acao(String row, String origin) throws Exception {
        return get(row, origin).headers().firstValue("Access-Control-Allow-Origin").orElse(null);
    }

    @Test
    void c1_shouldEnableCors() throws Exception {
        HttpResponse<String> r = get("c1", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, PUT, POST, DELETE, PATCH, OPTIONS");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).hasValue("DNT,Keep-Alive,User-Agent,"
                + "X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).hasValue("1728000");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).isEmpty();
    }

    @Test
    void c2_onlyAllowPostAndGet() throws Exception {
        assertThat(get("c2", null).headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, GET");
    }

    @Test
    void c3_setMaxAge() throws Exception {
        assertThat(get("c3", null).headers().firstValue("Access-Control-Max-Age")).hasValue("200");
    }

    @Test
    void c4_disableCredentials() throws Exception {
        assertThat(get("c4", null).headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void c5_allowOrigin() throws Exception {
        HttpResponse<String> r = get("c5", "https://origin.cors.com:8080");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://origin.cors.com:8080");
    }

    @Test
    void c6_allowHeaders() throws Exception {
        assertThat(get("c6", null).headers().firstValue("Access-Control-Allow-Headers")).hasValue("DNT, User-Agent");
    }

    @Test
    void c7_exposeHeaders() throws Exception {
        assertThat(get("c7", null).headers().firstValue("Access-Control-Expose-Headers"))
                .hasValue("X-CustomResponseHeader, X-CustomSecondHeader");
    }

    @Test
    void c8_singleOriginOfMultipleValues() throws Exception {
        assertThat(acao("c8", "https://origin.cors.com:8080")).isEqualTo("https://origin.cors.com:8080");
        assertThat(acao("c8", "https://origin2.cors.com")).isEqualTo("https://origin2.cors.com");
    }

    @Test
    void c9_notAllowedOriginOfMultipleValues() throws Exception {
        HttpResponse<String> r = get("c9", "http://no.origin.com");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
    }

    @Test
    void c10_correctOriginsOnly() throws Exception {
        assertThat(acao("c10", "origin.cors.com:8080")).as("scheme-less item skipped").isNull();
        assertThat(acao("c10", "https://origin2.cors.com")).isEqualTo("https://origin2.cors.com");
        assertThat(acao("c10", "https://origin.com")).isEqualTo("https://origin.com");
    }

    @Test
    void c11_wildcardWithoutOrigin() throws Exception {
        assertThat(acao("c11", null)).isEqualTo("*");
    }

    @Test
    void c12_defaultWithoutOrigin() throws Exception {
        assertThat(acao("c1", null)).isEqualTo("*");
    }

    @Test
    void c13_wildcardWithAnExtraDomain() throws Exception {
        assertThat(acao("c13", "http://foo.bar.com")).isEqualTo("*");
    }

    @Test
    void c14_shouldNotMatch() throws Exception {
        assertThat(acao("c14", "https://fooxbar.com")).isNull();
    }

    @Test
    void c15_requiredPort() throws Exception {
        assertThat(acao("c15", "http://origin.com:8080")).isEqualTo("http://origin.com:8080");
    }

    @Test
    void c16_portAgainstPortlessList() throws Exception {
        assertThat(acao("c16", "http://origin.com:8080")).isNull();
    }

    @Test
    void c17_portlessAgainstPortList() throws Exception {
        assertThat(acao("c15", "http://origin.com")).isNull();
    }

    @Test
    void c18_wildcardOneSubdomain() throws Exception {
        assertThat(acao("c18", "http://foo.origin.cors.com")).isEqualTo("http://foo.origin.cors.com");
        assertThat(acao("c18", "http://bar-foo.origin.cors.com")).isEqualTo("http://bar-foo.origin.cors.com");
    }

    @Test
    void c19_wildcardNotNested() throws Exception {
        assertThat(acao("c18", "http://bar.foo.origin.cors.com")).isNull();
    }

    @Test
    void c20_wildcardWithPort() throws Exception {
        assertThat(acao("c20", "http://abc.origin.com:8080")).isEqualTo("http://abc.origin.com:8080");
    }

    @Test
    void c21_portlessAgainstWildcardWithPort() throws Exception {
        assertThat(acao("c20", "http://abc.origin.com")).isNull();
    }

    @Test
    void c22_wildcardNeedsItsSubdomain() throws Exception {
        assertThat(acao("c20", "http://origin.com:8080")).isNull();
        assertThat(acao("c20", "http://bar.origin.com:8080")).isEqualTo("http://bar.origin.com:8080");
    }

    @Test
    void c23_blankOriginsAreTheWildcard() throws Exception {
        assertThat(acao("c23", "test.origin.com")).isEqualTo("*");
    }

    @Test
    void c24_trailingComma() throws Exception {
        assertThat(acao("c24", "https://origin-123.cors.com:8080")).isEqualTo("https://origin-123.cors.com:8080");
        assertThat(acao("c24", "https://origin-321.cors.com:8080")).isEqualTo("https://origin-321.cors.com:8080");
        assertThat(acao("c24", "https://unknown.cors.com:8080")).isNull();
    }

    @Test
    void c25_nonHttpSchemes() throws Exception {
        assertThat(acao("c25", "test://localhost")).isEqualTo("test://localhost");
        assertThat(acao("c25", "tauri://localhost:3000")).isEqualTo("tauri://localhost:3000");
    }

    @Test
    void x1_preflightWithoutOriginIsAnsweredHere() throws Exception {
        int before = app.seen().size();
        HttpResponse<String> r = send("OPTIONS", "c1.cors.test", null);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Type")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).hasValue("1728000");
        assertThat(app.seen()).as("the backend never sees the preflight").hasSize(before);
    }

    @Test
    void x2_preflightFromAnUnlistedOriginIsProxied() throws Exception {
        int before = app.seen().size();
        HttpResponse<String> r = send("OPTIONS", "c14.cors.test", "https://other.example");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(app.seen()).hasSize(before + 1);
        assertThat(app.last().method()).isEqualTo("OPTIONS");
        assertThat(send("OPTIONS", "c14.cors.test", "https://foo.bar.com").statusCode()).isEqualTo(204);
        assertThat(app.seen()).hasSize(before + 1);
    }

    /** Deliberate difference: matched at both ends; case-insensitive as nginx's ~*, echoed as sent. */
    @Test
    void x3_originsMatchWholeAndIgnoringCase() throws Exception {
        assertThat(acao("c14", "https://FOO.BAR.COM")).isEqualTo("https://FOO.BAR.COM");
        assertThat(acao("c14", "evilhttps://foo.bar.com")).as("ingress-nginx would echo it").isNull();
        assertThat(acao("c18", "http://x.evil.com/http://foo.origin.cors.com")).isNull();
    }

    @Test
    void corsHeadersReplaceTheBackendsOnTheRouteOwnAnswers() throws Exception {
        app.respondWithHeaders(java.util.Map.of("Access-Control-Allow-Origin", "https://backend.example"));
        try {
            HttpResponse<String> r = get("c5", "https://origin.cors.com:8080");
            assertThat(r.headers().allValues("Access-Control-Allow-Origin")).containsExactly("https://origin.cors.com:8080");
        } finally {
            app.respondWithHeaders(java.util.Map.of());
        }
    }

    @Test
    void aCanaryUnderAMainWithCorsAndARedirectGetsTheMainsSettings() throws Exception {
        int before = canary.seen().size();
        HttpResponse<String> r = send("GET", "split.cors.test", "https://web.example", "x-canary", "always");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(canary.seen()).as("routed to the canary").hasSize(before + 1);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as("the main's CORS, not the canary's false")
                .hasValue("https://web.example");
        assertThat(send("OPTIONS", "split.cors.test", "https://web.example", "x-canary", "always").statusCode())
                .as("preflights are answered before the canary choice").isEqualTo(204);
        HttpResponse<String> moved = send("GET", "moved.cors.test", "https://web.example");
        assertThat(moved.statusCode()).as("the main's redirect, whatever the weight").isEqualTo(301);
        assertThat(moved.headers().firstValue("Location")).hasValue("https://new.example/");
        assertThat(moved.headers().firstValue("Access-Control-Allow-Origin")).as("redirects carry CORS").hasValue("*");
        assertThat(canary.seen()).hasSize(before + 1);
    }
}
