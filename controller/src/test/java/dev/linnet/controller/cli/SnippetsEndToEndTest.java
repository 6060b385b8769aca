package dev.linnet.controller.cli;

import static dev.linnet.controller.cli.StandaloneServerTest.service;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 §2, the safe snippet subset, through serve --manifests: each directive, a combination,
 * nginx's quoting, a snippet outside the subset refused whole (with and without
 * {@code --serve-ingresses-with-snippets}), and a canary under a main Ingress with snippets and
 * header annotations (the main's apply to canary traffic).
 */
class SnippetsEndToEndTest {

    private static final String HOST = "snip.example";

    @TempDir
    Path manifests;

    private TestBackend app;
    private TestBackend canary;
    private StandaloneServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        for (TestBackend b : new TestBackend[] {app, canary}) {
            if (b != null) {
                b.close();
            }
        }
    }

    private static String ingress(String name, String path, String service, String annotations) {
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
                            name: %s
                            port:
                              number: 80
                """.formatted(name, annotations.indent(4), HOST, path, service);
    }

    private static String snippet(String key, String text) {
        return "nginx.ingress.kubernetes.io/" + key + ": |\n" + text.indent(2);
    }

    private void serve(BuildOptions options, String... ingresses) throws Exception {
        app = TestBackend.start("app");
        canary = TestBackend.start("canary");
        StringBuilder yaml = new StringBuilder(service("app", app.port())).append("---\n")
                .append(service("canary", canary.port()));
        for (String i : ingresses) {
            yaml.append("---\n").append(i);
        }
        Files.writeString(manifests.resolve("app.yaml"), yaml.toString());
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, options));
        await().until(() -> server.routes().isPublished());
    }

    private void serve(String... ingresses) throws Exception {
        serve(BuildOptions.serveAll(), ingresses);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Host", HOST);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void addHeaderKeepsNginxQuoting() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", """
                add_header X-Plain "a b";
                add_header X-Always 'x;y' always;
                """)));
        HttpResponse<String> ok = get("/");
        assertThat(ok.headers().firstValue("X-Plain")).hasValue("a b");
        assertThat(ok.headers().firstValue("X-Always")).hasValue("x;y");
    }

    @Test
    void addHeaderWithoutAlwaysSkipsAnErrorTheRouteAnswers() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", """
                add_header X-Plain yes;
                add_header X-Always yes always;
                deny all;
                """)));
        HttpResponse<String> denied = get("/");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("X-Plain")).isEmpty();
        assertThat(denied.headers().firstValue("X-Always")).hasValue("yes");
    }

    @Test
    void moreSetHeadersReplacesWithStatusAndTypeFiltersAndMoreClearHeadersTakesWildcards() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", """
                more_set_headers "X-Backend: replaced" "X-Host: $host";
                more_set_headers -s 404 "X-Only-404: yes";
                more_set_headers -t 'text/html' "X-Html: yes";
                more_clear_headers "X-Secret-*";
                """)));
        app.respondWithHeaders(Map.of("X-Secret-One", "1", "X-Secret-Two", "2", "X-Kept", "k"));
        HttpResponse<String> r = get("/");
        assertThat(r.headers().allValues("X-Backend")).containsExactly("replaced");
        assertThat(r.headers().firstValue("X-Host")).hasValue(HOST);
        assertThat(r.headers().firstValue("X-Only-404")).isEmpty();
        assertThat(r.headers().firstValue("X-Html")).isEmpty();
        assertThat(r.headers().firstValue("X-Secret-One")).isEmpty();
        assertThat(r.headers().firstValue("X-Secret-Two")).isEmpty();
        assertThat(r.headers().firstValue("X-Kept")).hasValue("k");
    }

    @Test
    void aVariableNeverSplitsTheHead() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", """
                add_header X-Uri $uri always;
                proxy_set_header X-Uri $uri;
                """)));
        HttpResponse<String> r = get("/a%0D%0AX-Injected:%20yes");
        assertThat(r.headers().firstValue("X-Uri")).hasValue("/a%0D%0AX-Injected: yes");
        assertThat(r.headers().firstValue("X-Injected")).isEmpty();
        assertThat(app.last().header("X-Uri")).isEqualTo("/a%0D%0AX-Injected: yes");
        assertThat(app.last().header("X-Injected")).isNull();
    }

    @Test
    void proxyHideHeaderRemovesTheUpstreamsHeader() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", "proxy_hide_header X-Powered-By;")));
        app.respondWithHeaders(Map.of("X-Powered-By", "PHP"));
        assertThat(get("/").headers().firstValue("X-Powered-By")).isEmpty();
    }

    @Test
    void requestHeaderEditsReachTheBackend() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", """
                set $tenant "acme-$http_x_region";
                proxy_set_header X-Tenant $tenant;
                more_set_input_headers "X-Set: \\"quoted\\"";
                more_set_input_headers -r "X-Only-If-Sent: replaced" "X-Never-Sent: x";
                more_clear_input_headers "X-Drop-*" Cookie;
                """)));
        get("/", "X-Region", "eu", "X-Tenant", "spoofed", "X-Only-If-Sent", "orig", "X-Drop-A", "1", "Cookie", "c=1");
        TestBackend.Seen seen = app.last();
        assertThat(seen.headers().get("X-Tenant")).containsExactly("acme-eu");
        assertThat(seen.header("X-Set")).isEqualTo("\"quoted\"");
        assertThat(seen.header("X-Only-If-Sent")).isEqualTo("replaced");
        assertThat(seen.header("X-Never-Sent")).isNull();
        assertThat(seen.header("X-Drop-A")).isNull();
        assertThat(seen.header("Cookie")).isNull();
    }

    /** X8's mechanism (nginx appends a proxy_set_header of a name its list already has): both go upstream. */
    @Test
    void x8AProxySetHeaderOfAForwardedHeaderIsSentAsASecondValue() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", "proxy_set_header X-Forwarded-Proto https;")));
        get("/");
        assertThat(app.last().headers().get("X-Forwarded-Proto")).containsExactly("http", "https");
    }

    @Test
    void returnAnswersWithStatusTextOrRedirect() throws Exception {
        serve(ingress("status", "/status", "app", snippet("configuration-snippet", "return 204;")),
                ingress("text", "/text", "app", snippet("configuration-snippet", "return 200 \"ok $request_method\";")),
                ingress("moved", "/moved", "app", snippet("configuration-snippet",
                        "return 301 https://new.example$request_uri;")),
                ingress("url", "/url", "app", snippet("configuration-snippet", "return https://other.example/;")));
        assertThat(get("/status").statusCode()).isEqualTo(204);
        HttpResponse<String> text = get("/text");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body()).isEqualTo("ok GET");
        HttpResponse<String> moved = get("/moved/x?a=1");
        assertThat(moved.statusCode()).isEqualTo(301);
        assertThat(moved.headers().firstValue("Location")).hasValue("https://new.example/moved/x?a=1");
        assertThat(get("/url").statusCode()).isEqualTo(302);
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void return444ClosesTheConnectionWithoutAResponse() throws Exception {
        serve(ingress("gone", "/gone", "app", snippet("configuration-snippet", "return 444;")));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /gone HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).as("end of stream, no byte").isEqualTo(-1);
        }
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void rewriteBreakChangesTheUpstreamUriAndRedirectFlagsAnswer() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", """
                rewrite ^/old/(.*)$ /new/$1 break;
                rewrite ^/perm/(.*)$ /p/$1 permanent;
                rewrite ^/temp/(.*)$ https://t.example/$1 redirect;
                rewrite ^/args$ /with?x=1 break;
                """)));
        assertThat(get("/old/a/b?q=1").statusCode()).isEqualTo(200);
        assertThat(app.last().uri()).isEqualTo("/new/a/b?q=1");
        HttpResponse<String> perm = get("/perm/z");
        assertThat(perm.statusCode()).isEqualTo(301);
        assertThat(perm.headers().firstValue("Location")).hasValue("http://" + HOST + "/p/z");
        assertThat(get("/temp/y?k=v").headers().firstValue("Location")).hasValue("https://t.example/y?k=v");
        get("/args?q=2");
        assertThat(app.last().uri()).isEqualTo("/with?x=1&q=2");
        get("/untouched");
        assertThat(app.last().uri()).isEqualTo("/untouched");
    }

    @Test
    void rewriteLastChoosesTheLocationAgainAndBreakKeepsIt() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", """
                rewrite ^/last/(.*)$ /c/$1 last;
                rewrite ^/break/(.*)$ /c/$1 break;
                rewrite ^/loop/(.*)$ /loop/$1 last;
                rewrite ^/gone/(.*)$ /nowhere/$1 last;
                rewrite ^/to-target/(.*)$ /t/$1 last;
                """)),
                ingress("t", "/t(/|$)(.*)", "canary", """
                        nginx.ingress.kubernetes.io/use-regex: "true"
                        nginx.ingress.kubernetes.io/rewrite-target: /inner/$2
                        """),
                ingress("c", "/c", "canary", snippet("configuration-snippet", "add_header X-Location c always;")));
        HttpResponse<String> moved = get("/last/x?q=1");
        assertThat(moved.body()).isEqualTo("canary");
        assertThat(moved.headers().firstValue("X-Location")).as("the new location's own policies").hasValue("c");
        assertThat(canary.last().uri()).as("the new location's backend, the new URI").isEqualTo("/c/x?q=1");
        assertThat(get("/break/x").body()).isEqualTo("app");
        assertThat(app.last().uri()).isEqualTo("/c/x");
        assertThat(get("/loop/x").statusCode()).as("nginx's rewrite cycle: 10 searches, then 500").isEqualTo(500);
        assertThat(get("/gone/x").statusCode()).as("the new URI's location: / again, which has no match").isEqualTo(200);
        assertThat(app.last().uri()).isEqualTo("/nowhere/x");
        assertThat(get("/to-target/y").body()).isEqualTo("canary");
        assertThat(canary.last().uri()).as("the new location's rewrite-target, on the new URI").isEqualTo("/inner/y");
    }

    @Test
    void aCatastrophicRewriteRegexIsBoundedAndAnswers500() throws Exception {
        serve(ingress("web", "/", "app", snippet("configuration-snippet", "rewrite ^/((a+)*)+c /x break;")));
        assertThat(get("/" + "a".repeat(40) + "!").statusCode()).isEqualTo(500);
        assertThat(get("/aaac").statusCode()).isEqualTo(200);
        assertThat(app.last().uri()).isEqualTo("/x");
    }

    @Test
    void allowAndDenyFirstMatchWins() throws Exception {
        serve(ingress("in", "/in", "app", snippet("configuration-snippet", "allow 127.0.0.1; deny all;")),
                ingress("out", "/out", "app", snippet("configuration-snippet", "deny 127.0.0.0/8; allow all;")),
                ingress("none", "/none", "app", snippet("configuration-snippet", "deny 10.0.0.0/8;")));
        assertThat(get("/in").statusCode()).isEqualTo(200);
        assertThat(get("/out").statusCode()).isEqualTo(403);
        assertThat(get("/none").statusCode()).as("no rule matches: allowed").isEqualTo(200);
    }

    @Test
    void noOpsAreAcceptedAndAServerSnippetAppliesToEveryPathOfTheHost() throws Exception {
        serve(ingress("site", "/", "app", snippet("server-snippet", """
                server_tokens off;
                chunked_transfer_encoding on;
                more_set_headers "X-Server-Wide: yes";
                """)),
                ingress("other", "/other", "app", "nginx.ingress.kubernetes.io/proxy-body-size: 1m"));
        assertThat(get("/").headers().firstValue("X-Server-Wide")).hasValue("yes");
        assertThat(get("/other").headers().firstValue("X-Server-Wide")).as("another Ingress of the host").hasValue("yes");
    }

    @Test
    void aServerSnippetReturnAnswersBeforeTheLocationsOwnChecks() throws Exception {
        serve(ingress("site", "/", "app", snippet("server-snippet", "return 301 https://new.example$request_uri;")),
                ingress("locked", "/admin", "app", snippet("configuration-snippet", "deny all;")));
        HttpResponse<String> r = get("/admin/x?y=1");
        assertThat(r.statusCode()).as("server rewrite phase: before the location's deny").isEqualTo(301);
        assertThat(r.headers().firstValue("Location")).hasValue("https://new.example/admin/x?y=1");
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void aCombinationRunsInNginxOrder() throws Exception {
        serve(ingress("web", "/", "app", snippet("server-snippet", "more_set_headers 'X-Srv: 1';") + snippet("configuration-snippet", """
                set $v "v1";
                rewrite ^/api/(.*)$ /$v/$1 break;
                allow 127.0.0.1;
                deny all;
                proxy_set_header X-Version $v;
                add_header X-Version $v always;
                """)));
        HttpResponse<String> r = get("/api/users");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.last().uri()).isEqualTo("/v1/users");
        assertThat(app.last().header("X-Version")).isEqualTo("v1");
        assertThat(r.headers().firstValue("X-Version")).hasValue("v1");
        assertThat(r.headers().firstValue("X-Srv")).hasValue("1");
    }

    @Test
    void aSnippetOutsideTheSubsetIsRefusedWholeUnlessTheFlagServesTheIngressWithoutIt() throws Exception {
        String locked = ingress("locked", "/", "app", snippet("configuration-snippet", """
                add_header X-Applied yes always;
                deny all;
                sub_filter 'a' 'b';
                """));
        serve(locked);
        assertThat(get("/").statusCode()).as("not served: the default backend's 404").isEqualTo(404);
        assertThat(app.seen()).isEmpty();
        server.close();
        app.close();
        canary.close();

        serve(BuildOptions.serveAll().withServeIngressesWithSnippets(true), locked);
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).as("served without any of the snippet: no deny").isEqualTo(200);
        assertThat(r.headers().firstValue("X-Applied")).isEmpty();
    }

    @Test
    void aCanaryUnderAMainWithSnippetsAndHeaderAnnotationsGetsTheMainsEdits() throws Exception {
        serve(ingress("main", "/", "app", snippet("configuration-snippet", """
                        proxy_set_header X-From-Main yes;
                        more_set_headers "X-Main-Response: yes";
                        """) + "nginx.ingress.kubernetes.io/upstream-vhost: $service_name.internal\n"),
                ingress("can", "/", "canary", """
                        nginx.ingress.kubernetes.io/canary: "true"
                        nginx.ingress.kubernetes.io/canary-by-header: X-Canary
                        nginx.ingress.kubernetes.io/upstream-vhost: ignored.example
                        """ + snippet("configuration-snippet", "more_set_headers 'X-Canary-Own: yes';")));
        HttpResponse<String> r = get("/", "X-Canary", "always");
        assertThat(r.body()).isEqualTo("canary");
        assertThat(canary.last().header("X-From-Main")).isEqualTo("yes");
        assertThat(canary.last().header("Host")).as("the main's $service_name, as in ingress-nginx")
                .isEqualTo("app.internal");
        assertThat(r.headers().firstValue("X-Main-Response")).hasValue("yes");
        assertThat(r.headers().firstValue("X-Canary-Own")).isEmpty();
    }
}
