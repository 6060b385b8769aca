package dev.linnet.controller.cli;

import static dev.linnet.controller.cli.StandaloneServerTest.ingress;
import static dev.linnet.controller.cli.StandaloneServerTest.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header annotations of annotations-spec.md §3.2–§3.4, §3.6, §3.7 through the whole serve
 * wiring (manifests ─▶ builder ─▶ policies ─▶ gateway ─▶ loopback backend that records what it
 * received), named after the catalogue rows (§9.3 H1–H13, §9.9 X9, X10).
 */
class HeaderAnnotationsEndToEndTest {

    private static final String A = "nginx.ingress.kubernetes.io/";

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

    /** One Ingress {@code host} → app with {@code annotations}; extra manifests appended. */
    private void serve(String annotations, String... more) throws Exception {
        app = TestBackend.start("app");
        StringBuilder yaml = new StringBuilder(service("app", app.port())).append("---\n")
                .append(ingress("web", "host.example", "app", "  annotations:\n" + annotations.indent(4)));
        for (String m : more) {
            yaml.append("---\n").append(m);
        }
        Files.writeString(manifests.resolve("app.yaml"), yaml.toString());
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        BuildOptions options = BuildOptions.serveAll().withConfigMap(new ConfigMapOptions("edge/linnet", gateway,
                Set.of()));
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, options));
        await().until(() -> server.routes().isPublished());
    }

    private static String configMap(String namespace, String name, String data) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: %s
                data:
                %s""".formatted(name, namespace, data.indent(2));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Host", "host.example").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void h1UpstreamVhostSetsTheHostSentUpstreamAndKeepsXForwardedHost() throws Exception {
        serve(A + "upstream-vhost: upstreamvhost.bar.com");
        assertThat(get("/").statusCode()).isEqualTo(200);
        assertThat(app.last().header("Host")).isEqualTo("upstreamvhost.bar.com");
        assertThat(app.last().header("X-Forwarded-Host")).isEqualTo("host.example");
    }

    @Test
    void upstreamVhostExpandsServiceNameNamespaceAndHost() throws Exception {
        serve(A + "upstream-vhost: $service_name.$namespace.svc.cluster.local");
        get("/");
        assertThat(app.last().header("Host")).isEqualTo("app.default.svc.cluster.local");
    }

    @Test
    void upstreamVhostWithAVariableLinnetCannotComputeKeepsTheClientsHost() throws Exception {
        serve(A + "upstream-vhost: $upstream_addr");
        get("/");
        assertThat(app.last().header("Host")).isEqualTo("host.example");
    }

    @Test
    void h2XForwardedPrefixIsSentWithARewrite() throws Exception {
        serve(A + "x-forwarded-prefix: /test/value\n" + A + "rewrite-target: /foo");
        get("/");
        assertThat(app.last().uri()).isEqualTo("/foo");
        assertThat(app.last().header("X-Forwarded-Prefix")).isEqualTo("/test/value");
    }

    @Test
    void h3AnEmptyXForwardedPrefixSendsNone() throws Exception {
        serve(A + "x-forwarded-prefix: \"\"\n" + A + "rewrite-target: /foo");
        get("/");
        assertThat(app.last().header("X-Forwarded-Prefix")).isNull();
    }

    @Test
    void x10XForwardedPrefixWithoutRewriteTargetDoesNothing() throws Exception {
        serve(A + "x-forwarded-prefix: /p");
        get("/");
        assertThat(app.last().header("X-Forwarded-Prefix")).isNull();
    }

    @Test
    void h4ConnectionProxyHeaderKeepAlive() throws Exception {
        serve(A + "connection-proxy-header: keep-alive");
        get("/");
        assertThat(app.last().header("Connection")).isEqualTo("keep-alive");
    }

    @Test
    void connectionProxyHeaderOtherThanCloseOrKeepAliveIsIgnored() throws Exception {
        serve(A + "connection-proxy-header: Close");
        get("/");
        assertThat(app.last().header("Connection")).isNotEqualTo("Close");
    }

    @Test
    void h5NoCustomHeadersIsServed() throws Exception {
        serve(A + "proxy-body-size: 1m");
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void h6CustomHeadersNamingAMissingConfigMapAnswers503() throws Exception {
        serve(A + "custom-headers: default/custom-headers");
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("503 Service Temporarily Unavailable");
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void h7CustomHeadersAreSetLiterallyWhenAllowed() throws Exception {
        serve(A + "custom-headers: default/custom-headers",
                configMap("default", "custom-headers", "My-Custom-Header: \"42\"\nMy-Custom-Header-Dollar: \"$remote_addr\"\n"),
                configMap("edge", "linnet", "global-allowed-response-headers: My-Custom-Header,My-Custom-Header-Dollar\n"));
        app.respondWithHeaders(Map.of("My-Custom-Header", "from-backend"));
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("My-Custom-Header")).containsExactly("42");
        assertThat(r.headers().firstValue("My-Custom-Header-Dollar")).hasValue("$remote_addr");
    }

    @Test
    void x9CustomHeadersNamingAHeaderOutsideTheAllowListAnswers503() throws Exception {
        serve(A + "custom-headers: default/custom-headers",
                configMap("default", "custom-headers", "My-Custom-Header: \"42\"\nX-Other: \"1\"\n"),
                configMap("edge", "linnet", "global-allowed-response-headers: My-Custom-Header\n"));
        assertThat(get("/").statusCode()).isEqualTo(503);
    }

    @Test
    void customHeadersWithTheDefaultEmptyAllowListAnswer503() throws Exception {
        serve(A + "custom-headers: default/custom-headers",
                configMap("default", "custom-headers", "My-Custom-Header: \"42\"\n"));
        assertThat(get("/").statusCode()).isEqualTo(503);
    }

    @Test
    void h10RedirectFromOffLeavesLocationUntouched() throws Exception {
        serve(A + "proxy-redirect-from: \"off\"\n" + A + "proxy-redirect-to: goodbye.com");
        app.respondWithHeaders(Map.of("Location", "http://hello.com/two/x"));
        assertThat(get("/").headers().firstValue("Location")).hasValue("http://hello.com/two/x");
    }

    @Test
    void h11RedirectFromDefaultLeavesLocationUntouched() throws Exception {
        serve(A + "proxy-redirect-from: default\n" + A + "proxy-redirect-to: goodbye.com");
        app.respondWithHeaders(Map.of("Location", "http://hello.com/two/x"));
        assertThat(get("/").headers().firstValue("Location")).hasValue("http://hello.com/two/x");
    }

    @Test
    void h12RedirectFromToReplacesTheCaseSensitivePrefixOfLocationAndRefresh() throws Exception {
        serve(A + "proxy-redirect-from: http://hello.com/two/\n" + A + "proxy-redirect-to: http://goodbye.com/");
        app.respondWithHeaders(Map.of("Location", "http://hello.com/two/x", "Refresh", "5; url=http://hello.com/two/y"));
        HttpResponse<String> r = get("/");
        assertThat(r.headers().firstValue("Location")).hasValue("http://goodbye.com/x");
        assertThat(r.headers().firstValue("Refresh")).hasValue("5; url=http://goodbye.com/y");
        app.respondWithHeaders(Map.of("Location", "HTTP://Hello.com/two/x"));
        assertThat(get("/").headers().firstValue("Location")).as("case-sensitive").hasValue("HTTP://Hello.com/two/x");
    }

    @Test
    void h13CookieDomainAndPathAreRewritten() throws Exception {
        serve(A + "proxy-cookie-domain: localhost example.org\n" + A + "proxy-cookie-path: /one/ /");
        app.respondWithHeaders(Map.of("Set-Cookie", "a=1; Domain=.LocalHost; Path=/one/sub; HttpOnly"));
        assertThat(get("/").headers().firstValue("Set-Cookie")).hasValue("a=1; Domain=.example.org; Path=/sub; HttpOnly");
        app.respondWithHeaders(Map.of("Set-Cookie", "a=1; Domain=localhost.evil; Path=/One/x"));
        assertThat(get("/").headers().firstValue("Set-Cookie")).as("exact domain, case-sensitive path")
                .hasValue("a=1; Domain=localhost.evil; Path=/One/x");
    }
}
