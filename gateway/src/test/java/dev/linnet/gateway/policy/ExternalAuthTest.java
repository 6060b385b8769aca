package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.testing.AuthService;
import dev.linnet.gateway.testing.AuthService.Reply;
import dev.linnet.gateway.testing.Fixtures;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.LogRecorder;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCerts;
import dev.linnet.gateway.upstream.HostResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * External auth end to end (auth-limits-spec.md §3, catalogue rows E*, S* of §11.2 and the cases
 * of §11.8): a real gateway, a stand-in auth service and a backend on loopback. The auth service's
 * name {@code auth.test} resolves to 127.0.0.1 through the gateway's injected resolver.
 */
class ExternalAuthTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.toBuilder()
            .authResolver(HostResolver.of(Map.of("auth.test", InetAddress.getLoopbackAddress())))
            .authTimeout(Duration.ofSeconds(2))
            .build());

    private final AuthService auth = gw.closeLater(start());
    private final TestBackend app = gw.backend("app");

    private static AuthService start() {
        try {
            return AuthService.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The policy as the controller builds it; tests change what they need. */
    private final class Auth {
        String url = "http://auth.test:" + auth.port() + "/check";
        String method;
        String signin;
        List<String> responseHeaders = List.of();
        List<ExternalAuth.SetHeader> setHeaders = List.of();
        String cacheKey;
        Map<Integer, Duration> durations = ExternalAuth.DEFAULT_CACHE_DURATIONS;
        boolean always;

        ExternalAuth build() {
            return new ExternalAuth(AuthTemplate.compile(url), method,
                    signin == null ? null : AuthTemplate.compile(ExternalAuth.signinWithRedirect(signin, "rd")),
                    responseHeaders, null, setHeaders, cacheKey == null ? null : AuthTemplate.compile(cacheKey),
                    durations, always);
        }
    }

    private void serve(String host, Policy... policies) {
        gw.publish(table(withPolicies(route(host, "/", backend("app", app)), policies)));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** httpbun's {@code /basic-auth/user/password}. */
    private static Reply httpbun(AuthService.Call call) {
        return basic("user", "password").equals(call.header("Authorization")) ? Reply.of(200)
                : Reply.of(401, "WWW-Authenticate", "Basic realm=\"Fake Realm\"");
    }

    // ---- §3.2: the subrequest ----

    @Test
    void subrequestCarriesWhatNginxAuthRequestSends() {
        serve("sub.test", new Auth().build());
        HttpResponse<String> r = gw.get("sub.test", "/dash?x=1", "Cookie", "s=1", "X-Forwarded-Proto", "https",
                "Authorization", "Bearer t");
        assertThat(r.statusCode()).isEqualTo(200);
        AuthService.Call call = auth.last();
        assertThat(call.method()).isEqualTo("GET");
        assertThat(call.uri()).isEqualTo("/check");
        assertThat(call.bodyBytes()).isZero();
        assertThat(call.header("Host")).isEqualTo("auth.test"); // without port
        assertThat(call.header("X-Original-URL")).isEqualTo("http://sub.test/dash?x=1");
        assertThat(call.header("X-Original-Method")).isEqualTo("GET");
        assertThat(call.header("X-Sent-From")).isEqualTo("nginx-ingress-controller");
        assertThat(call.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(call.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(call.header("X-Auth-Request-Redirect")).isEqualTo("/dash?x=1");
        assertThat(call.header("Cookie")).isEqualTo("s=1");
        assertThat(call.header("Authorization")).isEqualTo("Bearer t");
        assertThat(call.header("X-Forwarded-Proto")).isNull();
        assertThat(call.header("X-Original-URI")).isNull(); // only with auth-method
        assertThat(call.header("X-Scheme")).isNull();
        assertThat(call.header("X-Request-ID")).hasSize(32).isEqualTo(app.last().header("X-Request-ID"));
    }

    @Test
    void anHttp2RequestIsAuthenticatedLikeAnHttp1One() {
        auth.answer(AuthService::oauth2Proxy);
        Auth a = new Auth();
        a.signin = "https://$host/oauth2/start?rd=$escaped_request_uri";
        a.responseHeaders = List.of("X-Auth-Request-User");
        serve("h2.test", a.build());
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        H2Client.Response r = h2.send(H2Client.headers("GET", "h2.test", "/x?y=1"));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.headers().get("location")).hasToString("https://h2.test/oauth2/start?rd=%2Fx%3Fy%3D1");
        r = h2.send(H2Client.headers("GET", "h2.test", "/x").add("cookie", "_oauth2_proxy=allowed-ann"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(app.last().header("X-Auth-Request-User")).isEqualTo("ann");
        assertThat(auth.last().header("Host")).isEqualTo("auth.test");
        assertThat(auth.last().header("X-Original-URL")).isEqualTo("http://h2.test/x");
        assertThat(auth.last().headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("x-http2"))
                .noneMatch(h -> h.startsWith(":"));
    }

    @Test
    void authMethodSendsOriginalUriAndScheme() {
        Auth a = new Auth();
        a.method = "HEAD";
        serve("method.test", a.build());
        assertThat(gw.get("method.test", "/p?q=1").statusCode()).isEqualTo(200);
        assertThat(auth.last().method()).isEqualTo("HEAD");
        assertThat(auth.last().header("X-Original-URI")).isEqualTo("/p?q=1");
        assertThat(auth.last().header("X-Scheme")).isEqualTo("http");
    }

    @Test
    void postIsCheckedWithBodilessGetThenBodyStreamsToTheApp() {
        serve("post.test", new Auth().build());
        byte[] body = new byte[300_000];
        HttpResponse<String> r = gw.send(gw.request("post.test", "/upload")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("300000 ");
        assertThat(auth.last().method()).isEqualTo("GET");
        assertThat(auth.last().bodyBytes()).isZero();
        assertThat(auth.last().header("Content-Length")).isNull();
        assertThat(auth.last().header("X-Original-Method")).isEqualTo("POST");
    }

    @Test
    void e3_proxySetHeadersReachTheAuthService() {
        Auth a = new Auth();
        a.setHeaders = List.of(new ExternalAuth.SetHeader("My-Custom-Header", AuthTemplate.compile("42")),
                new ExternalAuth.SetHeader("X-Who", AuthTemplate.compile("$namespace/$ingress_name $http_x_user")));
        serve("e3.test", a.build());
        assertThat(gw.get("e3.test", "/", "X-User", "ann").statusCode()).isEqualTo(200);
        assertThat(auth.last().header("My-Custom-Header")).isEqualTo("42");
        assertThat(auth.last().header("X-Who")).isEqualTo("default/main ann");
    }

    @Test
    void authConnectionsArePooled() {
        auth.answer(call -> Reply.of(202)); // oauth2-proxy's "authenticated": ingress-nginx's keepalive variant made it 500
        serve("pool.test", new Auth().build());
        for (int i = 0; i < 5; i++) {
            assertThat(gw.get("pool.test", "/").statusCode()).isEqualTo(200);
        }
        assertThat(auth.calls()).extracting(AuthService.Call::remotePort).hasSize(5).containsOnly(
                auth.calls().get(0).remotePort());
        assertThat(auth.last().header("Connection")).isNull(); // HTTP/1.1 keep-alive, not nginx's "close"
    }

    @Test
    void httpsAuthServiceGetsSniAndIsNotVerified() throws Exception {
        AuthService secure = gw.closeLater(AuthService.startTls(TestCerts.serverContext(TestCerts.selfSigned("x"))));
        Auth a = new Auth();
        a.url = "https://auth.test:" + secure.port() + "/oauth2/auth";
        serve("tls.test", a.build());
        assertThat(gw.get("tls.test", "/").statusCode()).isEqualTo(200);
        assertThat(gw.get("tls.test", "/").statusCode()).isEqualTo(200);
        assertThat(secure.calls()).hasSize(2);
        assertThat(secure.last().serverNames()).containsExactly("auth.test");
        assertThat(secure.last().remotePort()).isEqualTo(secure.calls().get(0).remotePort()); // pooled per name
    }

    // ---- §3.3: the verdict ----

    @Test
    void e8_credentialsAcceptedByTheAuthServicePass() {
        auth.answer(ExternalAuthTest::httpbun);
        Auth a = new Auth();
        a.signin = "http://$host/auth/start";
        serve("auth", a.build());
        assertThat(gw.get("auth", "/", "Authorization", basic("user", "password")).statusCode()).isEqualTo(200);
    }

    @Test
    void e9_unauthenticatedIsRedirectedToSignInWithRd() {
        auth.answer(ExternalAuthTest::httpbun);
        Auth a = new Auth();
        a.signin = "http://$host/auth/start";
        serve("auth", a.build());
        HttpResponse<String> r = gw.get("auth", "/?a=b&c=d");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValue("http://auth/auth/start?rd=http://auth%2F%3Fa%3Db%26c%3Dd");
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void e19_e20_signinRedirectParamNamesTheParameter() {
        auth.answer(ExternalAuthTest::httpbun);
        ExternalAuth policy = new ExternalAuth(AuthTemplate.compile("http://auth.test:" + auth.port() + "/"), null,
                AuthTemplate.compile(ExternalAuth.signinWithRedirect("http://$host/auth/start", "orig")), List.of(),
                null, List.of(), null, ExternalAuth.DEFAULT_CACHE_DURATIONS, false);
        serve("auth", policy);
        assertThat(gw.get("auth", "/", "Authorization", basic("user", "password")).statusCode()).isEqualTo(200);
        assertThat(gw.get("auth", "/?a=b&c=d").headers().firstValue("Location"))
                .hasValue("http://auth/auth/start?orig=http://auth%2F%3Fa%3Db%26c%3Dd");
    }

    @Test
    void unauthenticatedWithoutSigninGets401WithEveryChallenge() {
        auth.answer(call -> Reply.of(401, "WWW-Authenticate", "Basic realm=\"a\"", "WWW-Authenticate", "Bearer"));
        serve("challenge.test", new Auth().build());
        HttpResponse<String> r = gw.get("challenge.test", "/");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("Basic realm=\"a\"", "Bearer");
        assertThat(r.body()).contains("401 Authorization Required").doesNotContain("auth says");
    }

    @Test
    void forbiddenIsNeverRedirected() {
        auth.answer(call -> Reply.of(403));
        Auth a = new Auth();
        a.signin = "http://$host/auth/start";
        serve("forbidden.test", a.build());
        HttpResponse<String> r = gw.get("forbidden.test", "/");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void redirectsServerErrorsAndOtherStatusesOfTheAuthServiceAre500() {
        serve("odd.test", new Auth().build());
        for (int status : new int[] {301, 302, 404, 429, 500, 503}) {
            auth.answer(call -> Reply.of(status, "Location", "http://elsewhere/"));
            assertThat(gw.get("odd.test", "/").statusCode()).as("auth %d", status).isEqualTo(500);
        }
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void anAuthServiceThatNeverAnswersIs500AfterTheTimeout() {
        auth.answer(call -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.of(200);
        });
        serve("slow.test", new Auth().build());
        long start = System.nanoTime();
        assertThat(gw.get("slow.test", "/").statusCode()).isEqualTo(500);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4_500));
    }

    @Test
    void anAuthServiceThatIsDownOrUnknownIs500() {
        Auth down = new Auth();
        down.url = "http://127.0.0.1:1/check";
        Auth unknown = new Auth();
        unknown.url = "http://nowhere.test/check";
        gw.publish(table(withPolicies(route("down.test", "/", backend("app", app)), down.build()),
                withPolicies(route("unknown.test", "/", backend("app", app)), unknown.build())));
        assertThat(gw.get("down.test", "/").statusCode()).isEqualTo(500);
        assertThat(gw.get("unknown.test", "/").statusCode()).isEqualTo(500);
    }

    /**
     * An auth answer the HTTP decoder could not read (here a header over the 64 KiB limit after a
     * 200 status line, then the close) is a failed subrequest: 500, never a pass.
     */
    @Test
    void anAuthAnswerThatCannotBeDecodedIs500EvenWithA200StatusLine() throws Exception {
        try (java.net.ServerSocket broken = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = broken.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    int state = 0;
                    while (state < 4) { // up to the end of the request head
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
                    }
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException ignored) {
                    // the test's verdict is the gateway's answer
                }
            });
            t.setDaemon(true);
            t.start();
            Auth a = new Auth();
            a.url = "http://127.0.0.1:" + broken.getLocalPort() + "/check";
            serve("undecodable.test", a.build());
            assertThat(gw.get("undecodable.test", "/").statusCode()).isEqualTo(500);
            assertThat(app.seen()).isEmpty();
        }
    }

    @Test
    void e11_responseHeadersReplaceClientCopiesOrRemoveThem() {
        auth.answer(call -> "yes".equals(call.header("X-Give"))
                ? Reply.of(200, "Foo", "from-auth", "Foo", "again") : Reply.of(200));
        Auth a = new Auth();
        a.responseHeaders = List.of("Foo");
        serve("e11.test", a.build());
        assertThat(gw.get("e11.test", "/", "Foo", "bar").statusCode()).isEqualTo(200);
        assertThat(app.last().headers().get("Foo")).isNull(); // the client's copy never reaches the backend
        assertThat(gw.get("e11.test", "/", "Foo", "bar", "X-Give", "yes").statusCode()).isEqualTo(200);
        assertThat(app.last().header("Foo")).isEqualTo("from-auth, again");
    }

    @Test
    void e28_authorizationFromTheAuthServiceReplacesTheClients() {
        auth.answer(call -> Reply.of(200, "Authorization", "foo"));
        Auth a = new Auth();
        a.responseHeaders = List.of("Authorization");
        serve("e28.test", a.build());
        assertThat(gw.get("e28.test", "/", "Authorization", "bar").statusCode()).isEqualTo(200);
        assertThat(app.last().headers().get("Authorization")).containsExactly("foo");
    }

    // ---- cookies ----

    @Test
    void e5_authCookieIsSetOnSuccess() {
        auth.answer(call -> Reply.of(200, "Set-Cookie", "alma=armud"));
        serve("e5.test", new Auth().build());
        HttpResponse<String> r = gw.get("e5.test", "/?a=b&c=d");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Set-Cookie")).containsExactly("alma=armud");
    }

    @Test
    void e6_e7_authCookieOnABackendErrorOnlyWithAlwaysSetCookie() {
        auth.answer(call -> Reply.of(200, "Set-Cookie", "alma=armud"));
        Route error = route("e6.test", "/", backend("none", List.of())); // no endpoint: 503
        gw.publish(table(withPolicies(error, new Auth().build())));
        HttpResponse<String> r = gw.get("e6.test", "/error");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        Auth always = new Auth();
        always.always = true;
        gw.publish(table(withPolicies(error, always.build())));
        r = gw.get("e6.test", "/error");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().allValues("Set-Cookie")).containsExactly("alma=armud");
    }

    @Test
    void twoAuthCookiesReachTheClientAsTwoHeaders() {
        auth.answer(call -> Reply.of(202, "Set-Cookie", "_oauth2_proxy_0=a; Path=/", "Set-Cookie",
                "_oauth2_proxy_1=b; Path=/"));
        serve("split.test", new Auth().build());
        HttpResponse<String> r = gw.get("split.test", "/");
        assertThat(r.headers().allValues("Set-Cookie"))
                .containsExactly("_oauth2_proxy_0=a; Path=/", "_oauth2_proxy_1=b; Path=/");
    }

    @Test
    void theSigninRedirectCarriesTheAuthCookie() {
        auth.answer(call -> Reply.of(401, "Set-Cookie", "csrf=1"));
        Auth a = new Auth();
        a.signin = "https://$host/oauth2/start?rd=$escaped_request_uri";
        serve("csrf.test", a.build());
        HttpResponse<String> r = gw.get("csrf.test", "/x");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("https://csrf.test/oauth2/start?rd=%2Fx");
        assertThat(r.headers().allValues("Set-Cookie")).containsExactly("csrf=1");
    }

    // ---- §3.4: the cache ----

    private void cacheScenario(String host, String otherHost) {
        auth.answer(ExternalAuthTest::httpbun);
        Auth a = new Auth();
        a.signin = "http://$host/auth/start";
        a.cacheKey = "fixed";
        a.durations = Map.of(200, Duration.ofMinutes(30), 201, Duration.ofMinutes(30), 401, Duration.ofMinutes(30));
        ExternalAuth policy = a.build();
        gw.publish(table(withPolicies(route(host, "/foo", backend("app", app)), policy),
                withPolicies(route(host, "/bar", backend("app", app)), policy),
                withPolicies(route(otherHost, "/foo", backend("app", app)), policy)));
        assertThat(gw.get(host, "/foo", "Authorization", basic("user", "password")).statusCode()).isEqualTo(200);
        auth.close(); // "delete httpbun"
    }

    @Test
    void e22_cachedAnswerKeepsAccessWhileTheAuthServiceIsDown() {
        cacheScenario("e22.test", "e22-other.test");
        assertThat(gw.get("e22.test", "/foo", "Authorization", basic("user", "password")).statusCode()).isEqualTo(200);
    }

    @Test
    void e23_theCacheIsPerPath() {
        cacheScenario("e23.test", "e23-other.test");
        assertThat(gw.get("e23.test", "/bar", "Authorization", basic("user", "password")).statusCode()).isEqualTo(500);
    }

    @Test
    void e24_theCacheIsPerHost() {
        cacheScenario("e24.test", "e24-other.test");
        assertThat(gw.get("e24-other.test", "/foo", "Authorization", basic("user", "password")).statusCode())
                .isEqualTo(500);
    }

    /**
     * nginx's auth location is {@code /_external-auth-<b64(path)>-<pathType>}: an Exact and a Prefix
     * path of the same string (two Ingresses, two auth services) never share cached answers.
     */
    @Test
    void theCacheIsPerPathType() {
        auth.answer(call -> Reply.of(call.uri().equals("/lenient") ? 200 : 403));
        Auth lenient = new Auth();
        lenient.url = "http://auth.test:" + auth.port() + "/lenient";
        lenient.cacheKey = "$http_authorization";
        Auth strict = new Auth();
        strict.url = "http://auth.test:" + auth.port() + "/strict";
        strict.cacheKey = "$http_authorization";
        Route exact = new Route("default", "admin", "e23type.test", dev.linnet.gateway.route.PathMatch.exact("/api"),
                backend("app", app), null);
        gw.publish(table(withPolicies(route("e23type.test", "/api", backend("app", app)), lenient.build()),
                withPolicies(exact, strict.build())));
        assertThat(gw.get("e23type.test", "/api/x", "Authorization", "Bearer t").statusCode()).isEqualTo(200);
        assertThat(gw.get("e23type.test", "/api", "Authorization", "Bearer t").statusCode()).isEqualTo(403);
    }

    @Test
    void e25_cachedSetupStillRedirectsTheUnauthenticated() {
        auth.answer(ExternalAuthTest::httpbun);
        Auth a = new Auth();
        a.signin = "http://$host/auth/start";
        a.cacheKey = "fixed";
        serve("e25.test", a.build());
        HttpResponse<String> r = gw.get("e25.test", "/?a=b&c=d");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValue("http://e25.test/auth/start?rd=http://e25.test%2F%3Fa%3Db%26c%3Dd");
    }

    @Test
    void answersWithCookiesOrNoStoreAreNotCached() {
        auth.answer(call -> Reply.of(200, "Cache-Control", "no-store"));
        Auth a = new Auth();
        a.cacheKey = "$http_authorization";
        serve("nostore.test", a.build());
        gw.get("nostore.test", "/", "Authorization", "x");
        gw.get("nostore.test", "/", "Authorization", "x");
        auth.answer(call -> Reply.of(200, "Set-Cookie", "a=b"));
        gw.get("nostore.test", "/", "Authorization", "x");
        gw.get("nostore.test", "/", "Authorization", "x");
        auth.answer(call -> Reply.of(200));
        gw.get("nostore.test", "/", "Authorization", "x");
        gw.get("nostore.test", "/", "Authorization", "x");
        assertThat(auth.calls()).hasSize(5);
    }

    /** A max-age beyond what a nanosecond clock holds is kept (for long), never an exception that leaves the request waiting. */
    @Test
    void aHugeMaxAgeIsCachedNotAnOverflow() {
        auth.answer(call -> Reply.of(200, "Cache-Control", "max-age=99999999999"));
        Auth a = new Auth();
        a.cacheKey = "$http_authorization";
        serve("maxage.test", a.build());
        assertThat(gw.get("maxage.test", "/", "Authorization", "x").statusCode()).isEqualTo(200);
        assertThat(gw.get("maxage.test", "/", "Authorization", "x").statusCode()).isEqualTo(200);
        assertThat(auth.calls()).hasSize(1);
    }

    // ---- satisfy, canary ----

    /** Basic auth as row S2 sets it up: user {@code uname}, password {@code pwd}. */
    private static BasicAuth unamePwd() {
        return new BasicAuth("", java.util.Map.of("uname", "{PLAIN}pwd"));
    }

    @Test
    void s1_satisfyWithoutAuthPasses() {
        serve("s1.test", Satisfy.ANY);
        assertThat(gw.get("s1.test", "/").statusCode()).isEqualTo(200);
        serve("s1.test");
        assertThat(gw.get("s1.test", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void s2_satisfyAnyBasicOrExternal() {
        auth.answer(ExternalAuthTest::httpbun);
        Auth a = new Auth();
        a.signin = "http://$host/auth/start";
        serve("s2.test", unamePwd(), a.build(), Satisfy.ANY);
        assertThat(gw.get("s2.test", "/", "Authorization", basic("uname", "pwd")).statusCode()).isEqualTo(200);
        assertThat(auth.calls()).isEmpty(); // one passing check suffices
        assertThat(gw.get("s2.test", "/", "Authorization", basic("user", "password")).statusCode()).isEqualTo(200);
        HttpResponse<String> r = gw.get("s2.test", "/");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith(
                "http://s2.test/auth/start?rd="));
        serve("s2.test", unamePwd(), a.build()); // satisfy all: basic's 401 answers first
        assertThat(gw.get("s2.test", "/", "Authorization", basic("user", "password")).statusCode()).isEqualTo(401);
    }

    @Test
    void satisfyAnyWith403And401AnswersThe401() {
        auth.answer(call -> Reply.of(403));
        serve("s3.test", unamePwd(), new Auth().build(), Satisfy.ANY);
        assertThat(gw.get("s3.test", "/").statusCode()).isEqualTo(401);
    }

    /**
     * The ConfigMap's unusable global-auth-url is a Deny in the external-auth step: it answers 503
     * where the auth would have run, so under satisfy any an allowed client passes first, as the
     * auth it stands for would let it; everyone else gets 503, never an open route.
     */
    @Test
    void aDenyInTheAuthStepStandsForTheAuthItReplaces() {
        Deny unusable = new Deny("global-auth-url unusable", Step.EXTERNAL_AUTH);
        AccessList loopback = new AccessList(dev.linnet.gateway.route.SourceRanges.of(List.of("127.0.0.0/8")));
        AccessList nobody = new AccessList(dev.linnet.gateway.route.SourceRanges.of(List.of("10.0.0.0/8")));
        serve("g.test", loopback, unusable, Satisfy.ANY);
        assertThat(gw.get("g.test", "/").statusCode()).isEqualTo(200);
        serve("g.test", nobody, unusable, Satisfy.ANY);
        HttpResponse<String> r = gw.get("g.test", "/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("503 Service Temporarily Unavailable");
        serve("g.test", loopback, unusable);
        assertThat(gw.get("g.test", "/").statusCode()).as("satisfy all").isEqualTo(503);
        assertThat(app.seen()).hasSize(1);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new Deny("x", Step.AFFINITY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void satisfyAnyLetsExternalAuthPassAClientOutsideTheAllowlist() {
        AccessList nobody = new AccessList(dev.linnet.gateway.route.SourceRanges.of(List.of("10.0.0.0/8")));
        serve("s4.test", nobody, new Auth().build(), Satisfy.ANY);
        try (LogRecorder logs = LogRecorder.root()) {
            assertThat(gw.get("s4.test", "/").statusCode()).isEqualTo(200);
            auth.answer(call -> Reply.of(401));
            assertThat(gw.get("s4.test", "/").statusCode()).as("401 beats the allowlist's 403").isEqualTo(401);
            auth.answer(call -> Reply.of(500));
            for (int i = 0; i < 20; i++) {
                assertThat(gw.get("s4.test", "/").statusCode()).as("an auth error ends the request").isEqualTo(500);
            }
            System.gc(); // the kept 403s must have been released; paranoid detection reports on the next allocations
            for (int i = 0; i < 20; i++) {
                gw.get("s4.test", "/");
            }
            assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains("LEAK"));
        }
        auth.answer(call -> Reply.of(200));
        serve("s4.test", nobody, new Auth().build());
        assertThat(gw.get("s4.test", "/").statusCode()).as("satisfy all").isEqualTo(403);
    }

    @Test
    void canaryTrafficIsAuthenticatedWithTheMainsSettings() {
        TestBackend canary = gw.backend("canary");
        auth.answer(AuthService::oauth2Proxy);
        Route main = route("canary.test", "/", backend("app", app))
                .withCanary(Fixtures.canary(backend("canary", canary)).header("X-Canary").build());
        gw.publish(table(withPolicies(main, new Auth().build())));
        assertThat(gw.get("canary.test", "/", "X-Canary", "always").statusCode()).isEqualTo(401);
        HttpResponse<String> r = gw.get("canary.test", "/", "X-Canary", "always", "Cookie", "_oauth2_proxy=allowed-ann");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("canary");
        assertThat(canary.seen()).hasSize(1);
    }

    /** Pipelined requests each wait for their own verdict; a refused body never goes upstream. */
    @Test
    void pipelinedRequestsAreAuthenticatedOneByOne() throws IOException {
        auth.answer(AuthService::oauth2Proxy);
        serve("pipe.test", new Auth().build());
        try (dev.linnet.gateway.testing.RawHttp raw = new dev.linnet.gateway.testing.RawHttp(gw.port())) {
            raw.send("POST /a HTTP/1.1\r\nHost: pipe.test\r\nContent-Length: 6\r\n\r\nsecret"
                    + "POST /b HTTP/1.1\r\nHost: pipe.test\r\nCookie: _oauth2_proxy=allowed-ann\r\n"
                    + "Content-Length: 2\r\n\r\nok"
                    + "GET /c HTTP/1.1\r\nHost: pipe.test\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(401);
            assertThat(raw.read().status()).isEqualTo(200);
            assertThat(raw.read().status()).isEqualTo(401);
        }
        assertThat(app.seen()).hasSize(1);
        assertThat(app.last().header("Cookie")).isEqualTo("_oauth2_proxy=allowed-ann");
        assertThat(auth.calls()).hasSize(3);
    }

    /** Expect: 100-continue gets no go-ahead before the verdict: a refused client never sends its body. */
    @Test
    void expectContinueIsAnsweredOnlyAfterAuthPasses() throws IOException {
        auth.answer(AuthService::oauth2Proxy);
        serve("expect.test", new Auth().build());
        try (dev.linnet.gateway.testing.RawHttp raw = new dev.linnet.gateway.testing.RawHttp(gw.port())) {
            raw.send("POST /a HTTP/1.1\r\nHost: expect.test\r\nContent-Length: 6\r\nExpect: 100-continue\r\n\r\n");
            dev.linnet.gateway.testing.RawHttp.Response r = raw.read();
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("connection")).isEqualTo("close");
        }
        try (dev.linnet.gateway.testing.RawHttp raw = new dev.linnet.gateway.testing.RawHttp(gw.port())) {
            raw.send("POST /a HTTP/1.1\r\nHost: expect.test\r\nCookie: _oauth2_proxy=allowed-ann\r\n"
                    + "Content-Length: 6\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.readHeadOnly().status()).isEqualTo(100);
            raw.send("secret");
            assertThat(raw.read().status()).isEqualTo(200);
        }
        assertThat(app.seen()).hasSize(1);
    }

    // ---- §3.7 through the gateway, and load ----

    @Test
    void oauth2ProxyFlow() {
        auth.answer(AuthService::oauth2Proxy);
        Auth a = new Auth();
        a.signin = "https://$host/oauth2/start?rd=$escaped_request_uri";
        a.responseHeaders = List.of("X-Auth-Request-User", "X-Auth-Request-Email");
        serve("app.example.com", a.build());
        HttpResponse<String> r = gw.get("app.example.com", "/dash?x=1");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("https://app.example.com/oauth2/start?rd=%2Fdash%3Fx%3D1");
        r = gw.get("app.example.com", "/dash", "Cookie", "_oauth2_proxy=allowed-ann", "X-Auth-Request-User", "mallory");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(app.last().header("X-Auth-Request-User")).isEqualTo("ann");
        assertThat(app.last().header("X-Auth-Request-Email")).isEqualTo("ann@example.com");
        assertThat(r.headers().allValues("Set-Cookie")).containsExactly("_oauth2_proxy=allowed-ann; Path=/; HttpOnly");
        assertThat(gw.get("app.example.com", "/", "Cookie", "_oauth2_proxy=bob").statusCode()).isEqualTo(403);
    }

    @Test
    void authUnderLoadReleasesEverything() throws Exception {
        gw.configure(c -> c.toBuilder().authTimeout(Duration.ofSeconds(30)).build()); // 2 s is too short on a shared 2-core machine
        auth.answer(call -> call.cookie("s") != null && Integer.parseInt(call.cookie("s")) % 3 == 0
                ? Reply.of(401, "Set-Cookie", "x=" + call.cookie("s")) : Reply.of(200, "X-User", call.cookie("s")));
        Auth a = new Auth();
        a.responseHeaders = List.of("X-User");
        serve("load.test", a.build());
        try (LogRecorder logs = LogRecorder.root()) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                all.add(gw.client().sendAsync(gw.request("load.test", "/" + i).header("Cookie", "s=" + i).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Integer> statuses = new HashMap<>();
            for (int i = 0; i < all.size(); i++) {
                int status = all.get(i).get().statusCode();
                statuses.merge(status, 1, Integer::sum);
                assertThat(status).as("request %d", i).isEqualTo(i % 3 == 0 ? 401 : 200);
            }
            System.gc();
            assertThat(gw.get("load.test", "/after", "Cookie", "s=1").statusCode()).isEqualTo(200);
            assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains("LEAK"));
            assertThat(statuses).containsEntry(200, 200).containsEntry(401, 100);
        }
    }
}
