package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.AuthService;
import dev.linnet.gateway.testing.AuthService.Reply;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.upstream.HostResolver;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * auth-limits-spec.md §3.7 through {@code serve --manifests}: oauth2-proxy's documented
 * ingress-nginx recipe, unchanged but for the auth URL's port, served by the real controller and
 * gateway. The auth subrequest hair-pins through Linnet itself ({@code $host:$server_port}) to the
 * unannotated {@code /oauth2} Ingress, whose backend is a stand-in oauth2-proxy.
 */
class ExternalAuthManifestsTest {

    @TempDir
    Path manifests;

    private TestBackend app;
    private AuthService oauth2Proxy;
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
        if (oauth2Proxy != null) {
            oauth2Proxy.close();
        }
    }

    private static String ingress(String name, String path, String pathType, String service, String annotations) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                %s\
                spec:
                  rules:
                  - host: app.example.com
                    http:
                      paths:
                      - path: %s
                        pathType: %s
                        backend:
                          service:
                            name: %s
                            port:
                              number: 80
                """.formatted(name, annotations, path, pathType, service);
    }

    private HttpResponse<String> send(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Host", "app.example.com");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oauth2ProxyRecipeWorksEndToEnd() throws Exception {
        app = TestBackend.start("app");
        oauth2Proxy = AuthService.start().answer(call -> call.uri().startsWith("/oauth2/auth")
                ? AuthService.oauth2Proxy(call) : Reply.of(200));
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("app", app.port()) + "---\n"
                + StandaloneServerTest.service("oauth2-proxy", oauth2Proxy.port()) + "---\n"
                + """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: auth-headers
                data:
                  My-Custom-Header: "42"
                ---
                """
                + ingress("oauth2-proxy", "/oauth2", "Prefix", "oauth2-proxy", "    {}\n")
                + "---\n"
                + ingress("app", "/", "Prefix", "app", """
                        nginx.ingress.kubernetes.io/auth-url: "http://$host:$server_port/oauth2/auth"
                        nginx.ingress.kubernetes.io/auth-signin: "https://$host/oauth2/start?rd=$escaped_request_uri"
                        nginx.ingress.kubernetes.io/auth-response-headers: "X-Auth-Request-User, X-Auth-Request-Email"
                        nginx.ingress.kubernetes.io/auth-proxy-set-headers: default/auth-headers
                    """)
                + "---\n"
                + ingress("denied", "/denied-auth", "Prefix", "app", """
                        nginx.ingress.kubernetes.io/auth-url: "https://invalid..auth.url"
                    """));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0).toBuilder()
                .authResolver(HostResolver.of(Map.of("app.example.com", InetAddress.getLoopbackAddress())))
                .authTimeout(Duration.ofSeconds(5)).build();
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> server.routes().isPublished());

        // 1. no session: 302 to the sign-in, rd as the recipe writes it, no second rd
        HttpResponse<String> r = send("/dash?x=1", null);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("https://app.example.com/oauth2/start?rd=%2Fdash%3Fx%3D1");
        AuthService.Call call = oauth2Proxy.last();
        assertThat(call.uri()).isEqualTo("/oauth2/auth");
        assertThat(call.header("X-Original-URL")).isEqualTo("http://app.example.com/dash?x=1");
        assertThat(call.header("X-Auth-Request-Redirect")).isEqualTo("/dash?x=1");
        assertThat(call.header("My-Custom-Header")).isEqualTo("42"); // E3, from the ConfigMap
        // 2. the sign-in itself is served by the unannotated Ingress: no auth loop
        assertThat(send("/oauth2/start?rd=%2F", null).statusCode()).isEqualTo(200);
        // 3. with the session: proxied, the user from the auth answer, the refreshed cookie on the answer
        r = send("/dash", null, "Cookie", "_oauth2_proxy=allowed-ann", "X-Auth-Request-User", "mallory");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.last().header("X-Auth-Request-User")).isEqualTo("ann");
        assertThat(app.last().header("X-Auth-Request-Email")).isEqualTo("ann@example.com");
        assertThat(r.headers().allValues("Set-Cookie")).containsExactly("_oauth2_proxy=allowed-ann; Path=/; HttpOnly");
        // 5. a POST: the auth request is a bodiless GET, the body then streams to the app
        r = send("/upload", "y".repeat(5000), "Cookie", "_oauth2_proxy=allowed-ann");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("5000 ");
        assertThat(oauth2Proxy.last().method()).isEqualTo("GET");
        assertThat(oauth2Proxy.last().bodyBytes()).isZero();
        assertThat(oauth2Proxy.last().header("X-Original-Method")).isEqualTo("POST");
        // 4. authenticated but not allowed: 403, no redirect
        r = send("/dash", null, "Cookie", "_oauth2_proxy=bob");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        // E26: an auth-url ingress-nginx cannot parse denies its Ingress
        assertThat(send("/denied-auth", null).statusCode()).isEqualTo(503);
        // 4. the auth service down: 500
        oauth2Proxy.close();
        assertThat(send("/dash", null, "Cookie", "_oauth2_proxy=allowed-ann").statusCode()).isEqualTo(500);
    }

    @Test
    void anAuthSnippetsProxySetHeaderReachesTheAuthService() throws Exception {
        app = TestBackend.start("app");
        oauth2Proxy = AuthService.start().answer(call -> Reply.of(200));
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("app", app.port()) + "---\n"
                + ingress("app", "/", "Prefix", "app", """
                        nginx.ingress.kubernetes.io/auth-url: "http://127.0.0.1:%d/check"
                        nginx.ingress.kubernetes.io/auth-snippet: |
                          proxy_set_header X-Tenant "acme";
                          proxy_set_header X-Asked-For $request_uri;
                    """.formatted(oauth2Proxy.port())));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> server.routes().isPublished());

        HttpResponse<String> r = send("/dash?x=1", null, "X-Tenant", "evil");
        assertThat(r.statusCode()).isEqualTo(200);
        AuthService.Call call = oauth2Proxy.last();
        assertThat(call.uri()).isEqualTo("/check");
        assertThat(call.headers().get("X-Tenant")).containsExactly("acme"); // the snippet's, not the client's
        assertThat(call.header("X-Asked-For")).isEqualTo("/dash?x=1");
        assertThat(app.last().header("X-Asked-For")).isNull(); // the subrequest's only
    }
}
