package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.AuthService;
import dev.linnet.gateway.testing.AuthService.Reply;
import dev.linnet.gateway.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller ConfigMap's annotation defaults and global policies through
 * {@code serve --manifests --configmap}: global external auth and {@code no-auth-locations}
 * (auth-limits-spec.md §3.6, catalogue 11.3), {@code whitelist-source-range} and
 * {@code no-tls-redirect-locations} (annotations-spec.md S6, S7). The ConfigMap is among the
 * manifest files, a stand-in auth service and backend run on loopback, the controller and gateway
 * are the real ones; ConfigMap edits apply without a restart.
 */
class ConfigMapDefaultsManifestsTest {

    static final String HOST = "app.example.com";

    @TempDir
    Path manifests;

    private TestBackend app;
    private AuthService auth;
    private StandaloneServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void backends() throws Exception {
        app = TestBackend.start("app");
        auth = AuthService.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        app.close();
        auth.close();
    }

    /** The controller ConfigMap {@code default/linnet} with these {@code key: value} lines. */
    static String configMap(String... data) {
        StringBuilder b = new StringBuilder("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: linnet
                data:
                """);
        for (String line : data) {
            b.append("  ").append(line).append('\n');
        }
        return b.toString();
    }

    /** An Ingress of {@link #HOST} with Prefix {@code paths} to {@code service}; {@code annotations} as YAML lines. */
    static String ingress(String name, String service, List<String> annotations, String... paths) {
        StringBuilder b = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ")
                .append(name).append('\n');
        if (!annotations.isEmpty()) {
            b.append("  annotations:\n");
            annotations.forEach(a -> b.append("    nginx.ingress.kubernetes.io/").append(a).append('\n'));
        }
        b.append("spec:\n  rules:\n  - host: ").append(HOST).append("\n    http:\n      paths:\n");
        for (String p : paths) {
            b.append("      - path: ").append(p).append("\n        pathType: Prefix\n        backend:\n")
                    .append("          service:\n            name: ").append(service)
                    .append("\n            port:\n              number: 80\n");
        }
        return b.toString();
    }

    /** Writes the manifests (the controller ConfigMap first); a running server picks the change up. */
    void write(String configMap, String... objects) throws Exception {
        StringBuilder all = new StringBuilder(configMap).append("---\n")
                .append(StandaloneServerTest.service("app", app.port()));
        for (String o : objects) {
            all.append("---\n").append(o);
        }
        Files.writeString(manifests.resolve("all.yaml"), all.toString());
    }

    void start(GatewayConfig gateway) throws Exception {
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()
                .withConfigMap(new ConfigMapOptions("default/linnet", gateway, Set.of()))));
        await().until(() -> server.routes().isPublished());
    }

    void start() throws Exception {
        start(GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0).toBuilder()
                .authTimeout(Duration.ofSeconds(5)).build());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Host", HOST);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String authUrl(String path) {
        return "global-auth-url: \"http://127.0.0.1:" + auth.port() + path + "\"";
    }

    @Test
    void g1_g2_g3_everyRouteWithoutItsOwnAuthIsAuthenticatedUnlessExempted() throws Exception {
        auth.answer(call -> Reply.of(call.uri().startsWith("/status/401") ? 401 : 200));
        String foo = ingress("foo", "app", List.of(), "/foo");
        String own = ingress("own", "app", List.of("auth-url: \"http://127.0.0.1:" + auth.port() + "/own\""), "/own");
        write(configMap(authUrl("/status/401")), foo, own, ingress("bar", "app", List.of(), "/bar"));
        start();

        assertThat(get("/foo").statusCode()).as("G1").isEqualTo(401);
        assertThat(auth.last().uri()).isEqualTo("/status/401");
        assertThat(auth.last().header("X-Original-URL")).isEqualTo("http://app.example.com/foo");
        assertThat(get("/bar").statusCode()).as("G1").isEqualTo(401);
        assertThat(get("/own").statusCode()).as("its own auth-url, not the global one").isEqualTo(200);
        assertThat(auth.last().uri()).isEqualTo("/own");
        assertThat(app.seen()).hasSize(1);

        write(configMap(authUrl("/status/401"), "no-auth-locations: /bar"), foo, own,
                ingress("bar", "app", List.of(), "/bar"));
        await().untilAsserted(() -> assertThat(get("/bar").statusCode()).as("G2").isEqualTo(200));
        assertThat(get("/foo").statusCode()).isEqualTo(401);

        write(configMap(authUrl("/status/401")), foo, own,
                ingress("bar", "app", List.of("enable-global-auth: \"false\""), "/bar"));
        await().untilAsserted(() -> assertThat(get("/bar").statusCode()).as("G3").isEqualTo(200));
        assertThat(get("/foo").statusCode()).isEqualTo(401);
    }

    @Test
    void g5_g6_g7_g8_theGlobalKeysShapeTheSubrequestAndItsAnswer() throws Exception {
        auth.answer(call -> "ok".equals(call.header("Authorization"))
                ? Reply.of(200, "Foo", "from-auth", "Bar", "also-from-auth") : Reply.of(401));
        write(configMap(authUrl("/auth"),
                        "global-auth-method: GET",
                        "global-auth-signin: http://foo.com/global-error-page",
                        "global-auth-response-headers: \"Foo, Bar\"",
                        "global-auth-request-redirect: http://foo.com/redirect-me"),
                ingress("foo", "app", List.of(), "/foo"));
        start();

        HttpResponse<String> r = get("/foo?a=b");
        assertThat(r.statusCode()).as("G6: 401 becomes the sign-in redirect").isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValue("http://foo.com/global-error-page?rd=http://app.example.com%2Ffoo%3Fa%3Db");
        AuthService.Call call = auth.last();
        assertThat(call.method()).isEqualTo("GET");
        assertThat(call.header("X-Original-URI")).as("G5: sent only when a method is set").isEqualTo("/foo?a=b");
        assertThat(call.header("X-Auth-Request-Redirect")).as("G8").isEqualTo("http://foo.com/redirect-me");

        r = get("/foo", "Authorization", "ok", "Foo", "spoofed");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.last().header("Foo")).as("G7").isEqualTo("from-auth");
        assertThat(app.last().header("Bar")).as("G7").isEqualTo("also-from-auth");
    }

    @Test
    void g4_globalAuthAnswersAreCachedPerRoute() throws Exception {
        auth.answer(call -> Reply.of(200));
        write(configMap(authUrl("/status/200"), "global-auth-cache-key: foo",
                "global-auth-cache-duration: \"200 201 401 30m\""), ingress("bar", "app", List.of(), "/bar", "/baz"));
        start();

        assertThat(get("/bar").statusCode()).isEqualTo(200);
        auth.answer(call -> Reply.of(500)); // the auth service breaks
        assertThat(get("/bar").statusCode()).as("G4: the cached 200").isEqualTo(200);
        assertThat(get("/baz").statusCode()).as("another Ingress path: its own cache entry").isEqualTo(500);
        assertThat(auth.calls()).hasSize(2);
    }

    @Test
    void g10_g11_g12_theAuthCookieOnSuccessesOrAlways() throws Exception {
        auth.answer(call -> Reply.of(200, "Set-Cookie", "alma=armud"));
        String routes = ingress("app", "app", List.of(), "/");
        String error = ingress("error", "empty", List.of(), "/error");
        String empty = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: empty
                spec:
                  ports:
                  - name: http
                    port: 80
                """; // no endpoints: 503
        write(configMap(authUrl("/cookies/set/alma/armud")), routes, error, empty);
        start();

        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Set-Cookie")).as("G10").containsExactly("alma=armud");
        r = get("/error");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().allValues("Set-Cookie")).as("G11").isEmpty();

        write(configMap(authUrl("/cookies/set/alma/armud"), "global-auth-always-set-cookie: \"true\""),
                routes, error, empty);
        await().untilAsserted(() -> assertThat(get("/error").headers().allValues("Set-Cookie")).as("G12")
                .containsExactly("alma=armud"));
        assertThat(get("/error").statusCode()).isEqualTo(503);
    }

    @Test
    void n1_n2_n3_noAuthLocationsExemptBasicAuthByIngressPath() throws Exception {
        String secret = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: basic
                type: Opaque
                stringData:
                  auth: "foo:{SHA}Ys23Ag/5IOWqZCw9QGaVDdHwH00="
                """; // password bar
        write(configMap("no-auth-locations: /noauth"), secret,
                ingress("basic", "app", List.of("auth-type: basic", "auth-secret: basic"), "/", "/noauth"));
        start();

        assertThat(get("/").statusCode()).as("N1").isEqualTo(401);
        assertThat(get("/", "Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("foo:bar".getBytes(StandardCharsets.UTF_8))).statusCode()).as("N2").isEqualTo(200);
        assertThat(get("/noauth").statusCode()).as("N3").isEqualTo(200);
        assertThat(get("/noauth/deeper").statusCode()).isEqualTo(200);
        assertThat(get("/noauthx").statusCode()).as("served by /, whose path is not exempt").isEqualTo(401);
    }

    @Test
    void anUnusableGlobalAuthUrlAnswers503WhereIngressNginxWouldServeOpen() throws Exception {
        write(configMap("global-auth-url: \"https://invalid..auth.url\"", "no-auth-locations: /open"),
                ingress("foo", "app", List.of(), "/foo", "/open"),
                ingress("out", "app", List.of("enable-global-auth: \"false\""), "/out"));
        start();

        HttpResponse<String> r = get("/foo");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("503 Service Temporarily Unavailable");
        assertThat(get("/open").statusCode()).isEqualTo(200);
        assertThat(get("/out").statusCode()).isEqualTo(200);
        assertThat(auth.calls()).isEmpty();

        write(configMap(authUrl("/auth"), "no-auth-locations: /open"), ingress("foo", "app", List.of(), "/foo", "/open"),
                ingress("out", "app", List.of("enable-global-auth: \"false\""), "/out"));
        await().untilAsserted(() -> assertThat(get("/foo").statusCode()).as("fixed live").isEqualTo(200));
        assertThat(auth.last().uri()).isEqualTo("/auth");
    }

    @Test
    void s6_whitelistSourceRangeAppliesAndFollowsEditsLive() throws Exception {
        String plain = ingress("plain", "app", List.of(), "/");
        String own = ingress("own", "app", List.of("allowlist-source-range: 127.0.0.1"), "/own");
        write(configMap("whitelist-source-range: 1.1.1.1"), plain, own);
        start();

        assertThat(get("/").statusCode()).as("127.0.0.1 is not 1.1.1.1").isEqualTo(403);
        assertThat(get("/own").statusCode()).as("an Ingress's own allowlist wins").isEqualTo(200);

        write(configMap("whitelist-source-range: \"1.1.1.1, 127.0.0.0/8\""), plain, own);
        await().untilAsserted(() -> assertThat(get("/").statusCode()).isEqualTo(200));

        write(configMap("whitelist-source-range: not-an-address"), plain, own);
        await().untilAsserted(() -> assertThat(get("/").statusCode()).as("fails closed").isEqualTo(403));
        assertThat(get("/own").statusCode()).isEqualTo(200);
    }

    @Test
    void s7_noTlsRedirectLocationsAreNeverRedirected() throws Exception {
        String routes = ingress("app", "app", List.of(), "/check-no-tls", "/.well-known/acme-challenge", "/other");
        write(configMap("force-ssl-redirect: \"true\""), routes);
        start(GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0).withHttpsPort(0));

        assertThat(get("/other").statusCode()).as("force-ssl-redirect from the ConfigMap").isEqualTo(308);
        assertThat(get("/check-no-tls").statusCode()).isEqualTo(308);
        assertThat(get("/.well-known/acme-challenge/token").statusCode()).as("the default list").isEqualTo(200);

        write(configMap("force-ssl-redirect: \"true\"", "no-tls-redirect-locations: /check-no-tls"), routes);
        await().untilAsserted(() -> assertThat(get("/check-no-tls").statusCode()).as("S7").isEqualTo(200));
        assertThat(get("/check-no-tls/deeper").statusCode()).isEqualTo(200);
        assertThat(get("/other").statusCode()).isEqualTo(308);
        assertThat(get("/.well-known/acme-challenge/token").statusCode()).as("the list replaces the default")
                .isEqualTo(308);
    }

    /**
     * R9, D9, H10-H13 with the values in the controller ConfigMap: {@code relative-redirects},
     * {@code denylist-source-range} and the Location and cookie rewrites are every Ingress's
     * defaults; an Ingress's own annotation wins; an unusable deny list answers 503 (fails closed).
     */
    @Test
    void relativeRedirectsDenylistAndRewritesFromTheConfigMap() throws Exception {
        app.respondWithHeaders(java.util.Map.of("Location", "http://internal/x",
                "Set-Cookie", "s=1; Domain=LocalHost; Path=/one/deep"));
        String plain = ingress("plain", "app", List.of(), "/");
        String redirect = ingress("moved", "app", List.of("permanent-redirect: /new-home"), "/moved");
        String own = ingress("own", "app", List.of("denylist-source-range: 10.0.0.1",
                "proxy-redirect-to: https://mine/", "proxy-cookie-path: \"off\""), "/own");
        String cm = configMap("relative-redirects: \"true\"", "denylist-source-range: 127.0.0.1",
                "proxy-redirect-from: http://internal/", "proxy-redirect-to: https://public/",
                "proxy-cookie-domain: localhost example.org", "proxy-cookie-path: /one/ /");
        write(cm, plain, redirect, own);
        start();

        assertThat(get("/").statusCode()).as("127.0.0.1 is denied by the ConfigMap").isEqualTo(403);
        HttpResponse<String> mine = get("/own");
        assertThat(mine.statusCode()).as("the Ingress's own deny list wins").isEqualTo(200);
        assertThat(mine.headers().firstValue("Location")).as("from the ConfigMap, to the annotation")
                .hasValue("https://mine/x");
        assertThat(mine.headers().firstValue("Set-Cookie")).as("domain from the ConfigMap, path off by annotation")
                .hasValue("s=1; Domain=example.org; Path=/one/deep");

        write(cm.replace("denylist-source-range: 127.0.0.1", "denylist-source-range: 10.9.9.9"), plain, redirect, own);
        await().untilAsserted(() -> assertThat(get("/").statusCode()).isEqualTo(200));
        HttpResponse<String> rewritten = get("/");
        assertThat(rewritten.headers().firstValue("Location")).hasValue("https://public/x");
        assertThat(rewritten.headers().firstValue("Set-Cookie")).hasValue("s=1; Domain=example.org; Path=/deep");
        HttpResponse<String> moved = get("/moved");
        assertThat(moved.statusCode()).isEqualTo(301);
        assertThat(moved.headers().firstValue("Location")).as("R9: relative").hasValue("/new-home");

        write(cm.replace("denylist-source-range: 127.0.0.1", "denylist-source-range: not-an-address"), plain,
                redirect, own);
        await().untilAsserted(() -> assertThat(get("/").statusCode()).as("fails closed").isEqualTo(503));
        assertThat(get("/own").statusCode()).as("its own valid deny list").isEqualTo(200);
    }

    /** U5 with the ConfigMap's {@code proxy-http-version} as the default; the annotation overrides it. */
    @Test
    void u5_proxyHttpVersionFromTheConfigMap() throws Exception {
        java.util.Queue<String> requestLines = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (dev.linnet.gateway.testing.RawBackend old = new dev.linnet.gateway.testing.RawBackend((s, i) -> {
            String head = dev.linnet.gateway.testing.RawBackend.readHead(s.getInputStream());
            requestLines.add(head.substring(0, head.indexOf('\r')));
            dev.linnet.gateway.testing.RawBackend.write(s, "HTTP/1.0 200 OK\r\n\r\nold");
        })) {
            String service = StandaloneServerTest.service("old", old.endpoint().port());
            write(configMap("proxy-http-version: \"1.0\""), service, ingress("ten", "old", List.of(), "/ten"),
                    ingress("eleven", "old", List.of("proxy-http-version: \"1.1\""), "/eleven"));
            start();
            HttpResponse<String> ten = get("/ten");
            assertThat(ten.statusCode()).isEqualTo(200);
            assertThat(ten.body()).isEqualTo("old");
            assertThat(get("/eleven").body()).isEqualTo("old");
            assertThat(requestLines).containsExactly("GET /ten HTTP/1.0", "GET /eleven HTTP/1.1");
        }
    }
}
