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
 * annotations-spec.md §9.2 (redirects, app-root, aliases: R1-R5, R7-R11), §9.9 X7 and X17, and the
 * deny list rows of §9.5 (D9, D10; the client is 127.0.0.1, so the ranges are chosen around it)
 * through {@code serve --manifests}, one server for all, a backend that records every call.
 * R6 (HTTPS) and the precedence over a TLS host are in the gateway's RedirectPrecedenceTest.
 */
class RedirectManifestsTest {

    private static final String P = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path manifests;

    private static TestBackend app;
    private static StandaloneServer server;
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        app = TestBackend.start("app");
        String yaml = String.join("---\n", StandaloneServerTest.service("app", app.port()),
                ingress("approot", "approot.bar.com", "/", "app-root", "/foo"),
                ingress("x7", "h", "/", "app-root", "/app"),
                ingress("r2", "foo", "/"),
                ingress("r3", "r3foo", "/", "server-alias", "r3bar"),
                ingress("app-a", "r4foo", "/app-a"),
                ingress("app-b", "r4foo", "/app-b", "server-alias", "r4bar"),
                ingress("wild-alias", "wild.test", "/", "server-alias", "*.alias.test, ~^regex$, wild.test"),
                ingress("www", "fromtowwwredirect.bar.com", "/", "from-to-www-redirect", "true"),
                ingress("www-exists", "exists.test", "/", "from-to-www-redirect", "true"),
                ingress("www-real", "www.exists.test", "/"),
                ingress("r7", "redirect.test", "/something", "permanent-redirect", "http://redirect.example.com"),
                ingress("r8", "redirect8.test", "/something", "permanent-redirect", "http://redirect.example.com",
                        "permanent-redirect-code", "302"),
                ingress("r10", "rr.foo.com", "/something", "permanent-redirect", "/new-location",
                        "relative-redirects", "false"),
                ingress("r11", "rr11.foo.com", "/something", "permanent-redirect", "/new-location",
                        "relative-redirects", "true"),
                ingress("x17", "x17.test", "/", "temporal-redirect", "https://x", "temporal-redirect-code", "308"),
                ingress("temporal-wins", "tw.test", "/", "temporal-redirect", "https://t.example",
                        "permanent-redirect", "https://p.example"),
                ingress("ftp", "ftp.test", "/", "temporal-redirect", "ftp://files.example", "from-to-www-redirect",
                        "true"),
                ingress("d9-denied", "d9a.test", "/", "denylist-source-range", "18.0.0.0/8, 127.0.0.0/8, 56.0.0.1"),
                ingress("d9-passes", "d9b.test", "/", "denylist-source-range", "18.0.0.0/8, 127.0.0.2, 56.0.0.1"),
                ingress("d10-denied", "d10a.test", "/", "denylist-source-range", "127.0.0.0/16",
                        "whitelist-source-range", "127.0.0.0/8, 55.0.0.0/8"),
                ingress("d10-passes", "d10b.test", "/", "denylist-source-range", "127.1.0.0/16, 56.0.0.0/8",
                        "whitelist-source-range", "127.0.0.0/8, 55.0.0.0/8"),
                ingress("d10-outside", "d10c.test", "/", "denylist-source-range", "127.1.0.0/16",
                        "whitelist-source-range", "18.0.0.0/8"),
                ingress("deny-invalid", "dx.test", "/", "denylist-source-range", "10.0.0.0/8, not-an-address",
                        "enable-cors", "true"));
        Files.writeString(manifests.resolve("redirects.yaml"), yaml);
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
    }

    private static String ingress(String name, String host, String path, String... annotations) {
        StringBuilder a = new StringBuilder("    linnet.dev/test: \"" + name + "\"\n");
        for (int i = 0; i < annotations.length; i += 2) {
            a.append("    ").append(P).append(annotations[i]).append(": \"").append(annotations[i + 1]).append("\"\n");
        }
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
                        pathType: Prefix
                        backend:
                          service:
                            name: app
                            port:
                              number: 80
                """.formatted(name, a, host, path);
    }

    private static HttpResponse<String> get(String host, String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header("Host", host).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location").orElse(null);
    }

    @Test
    void r1_appRootRedirectsSlash() throws Exception {
        HttpResponse<String> r = get("approot.bar.com", "/");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(location(r)).isEqualTo("http://approot.bar.com/foo");
        assertThat(get("approot.bar.com", "/other").statusCode()).as("only /").isEqualTo(200);
    }

    @Test
    void x7_appRootKeepsTheHostPortAndDropsTheQuery() throws Exception {
        int before = app.seen().size();
        HttpResponse<String> r = get("h:8080", "/?q=1");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(location(r)).isEqualTo("http://h:8080/app");
        assertThat(app.seen()).hasSize(before);
    }

    @Test
    void r2_anUnknownHostIs404() throws Exception {
        assertThat(get("foo", "/").statusCode()).isEqualTo(200);
        assertThat(get("bar", "/").statusCode()).isEqualTo(404);
    }

    @Test
    void r3_anAliasIsServedLikeItsHost() throws Exception {
        assertThat(get("r3foo", "/").statusCode()).isEqualTo(200);
        assertThat(app.last().header("host")).isEqualTo("r3foo");
        assertThat(get("r3bar", "/").statusCode()).isEqualTo(200);
        assertThat(app.last().header("host")).isEqualTo("r3bar");
    }

    @Test
    void r4_anAliasServesEveryIngressOfTheHost() throws Exception {
        assertThat(get("r4foo", "/app-a").statusCode()).isEqualTo(200);
        assertThat(get("r4bar", "/app-a").statusCode()).as("app-a's path through app-b's alias").isEqualTo(200);
        assertThat(get("r4bar", "/app-b").statusCode()).isEqualTo(200);
    }

    @Test
    void wildcardAliasesServeOneLabelAndRegexAliasesAreSkipped() throws Exception {
        assertThat(get("a.alias.test", "/").statusCode()).isEqualTo(200);
        assertThat(get("a.b.alias.test", "/").statusCode()).isEqualTo(404);
        assertThat(get("regex", "/").statusCode()).isEqualTo(404);
    }

    @Test
    void debugRoutesShowsAliasesAndTwins() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort()
                + "/debug/routes")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body().replaceAll("\\s", ""))
                .contains("\"r3bar\":{\"aliasOf\":\"r3foo\"}")
                .contains("\"alias.test\":{\"aliasOf\":\"wild.test\"}")
                .contains("\"redirectTo\":\"fromtowwwredirect.bar.com\"")
                .contains("\"appRoot\":\"/foo\"");
    }

    @Test
    void r5_theWwwTwinRedirectsWithThePortAlwaysWritten() throws Exception {
        int before = app.seen().size();
        HttpResponse<String> r = get("www.fromtowwwredirect.bar.com", "/foo");
        assertThat(r.statusCode()).isEqualTo(308);
        assertThat(location(r)).isEqualTo("http://fromtowwwredirect.bar.com:80/foo");
        assertThat(location(get("www.fromtowwwredirect.bar.com", "/a/?x=1"))).as("the query is kept")
                .isEqualTo("http://fromtowwwredirect.bar.com:80/a/?x=1");
        assertThat(location(get("www.fromtowwwredirect.bar.com", "/"))).isEqualTo("http://fromtowwwredirect.bar.com:80");
        assertThat(get("fromtowwwredirect.bar.com", "/foo").statusCode()).isEqualTo(200);
        assertThat(app.seen()).hasSize(before + 1);
    }

    @Test
    void noTwinWhereTheOtherNameIsAHost() throws Exception {
        assertThat(get("www.exists.test", "/").statusCode()).isEqualTo(200);
        assertThat(app.last().header("host")).isEqualTo("www.exists.test");
    }

    @Test
    void r7_permanentRedirectWithTheStandardCode() throws Exception {
        int before = app.seen().size();
        HttpResponse<String> r = get("redirect.test", "/something/more?x=1");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(location(r)).as("the path is not appended").isEqualTo("http://redirect.example.com");
        assertThat(app.seen()).hasSize(before);
    }

    @Test
    void r8_permanentRedirectWithACustomCode() throws Exception {
        assertThat(get("redirect8.test", "/something").statusCode()).isEqualTo(302);
    }

    @Test
    void r10_aRelativeUrlIsMadeAbsolute() throws Exception {
        HttpResponse<String> r = get("RR.foo.com:8080", "/something");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(location(r)).isEqualTo("http://rr.foo.com/new-location");
    }

    @Test
    void r9_r11_relativeRedirectsKeepItRelative() throws Exception {
        HttpResponse<String> r = get("rr11.foo.com", "/something");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(location(r)).isEqualTo("/new-location");
    }

    @Test
    void x17_temporalRedirectCode308IsOutOfRange() throws Exception {
        HttpResponse<String> r = get("x17.test", "/");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(location(r)).isEqualTo("https://x");
    }

    @Test
    void temporalRedirectWinsOverPermanent() throws Exception {
        HttpResponse<String> r = get("tw.test", "/");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(location(r)).isEqualTo("https://t.example");
    }

    @Test
    void aTemporalUrlWithAnotherSchemeSkipsTheWholeGroup() throws Exception {
        assertThat(get("ftp.test", "/").statusCode()).isEqualTo(200);
        assertThat(get("www.ftp.test", "/").statusCode()).as("no www twin either").isEqualTo(404);
    }

    @Test
    void d9_deniedRangesGet403() throws Exception {
        int before = app.seen().size();
        assertThat(get("d9a.test", "/").statusCode()).isEqualTo(403);
        assertThat(app.seen()).hasSize(before);
        assertThat(get("d9b.test", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void d10_theDenyListComesBeforeTheAllowlist() throws Exception {
        assertThat(get("d10a.test", "/").statusCode()).as("denied inside a wider allowed range").isEqualTo(403);
        assertThat(get("d10b.test", "/").statusCode()).as("allowed, not denied").isEqualTo(200);
        assertThat(get("d10c.test", "/").statusCode()).as("not denied, outside the allowlist").isEqualTo(403);
    }

    @Test
    void anInvalidDenyEntryDeniesTheIngressAndTheDenialHasNoCors() throws Exception {
        int before = app.seen().size();
        HttpResponse<String> r = get("dx.test", "/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as("a denied location has no CORS").isEmpty();
        assertThat(app.seen()).hasSize(before);
    }
}
