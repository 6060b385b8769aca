package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.AppRoot;
import dev.linnet.gateway.policy.Cors;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.Redirect;
import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.policy.WwwRedirect;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.SourceRanges;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TlsClient;
import dev.linnet.gateway.tls.CertificateTable;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * annotations-spec.md §2.3 over a host with TLS and an HTTPS listener: CORS preflights and
 * redirect {@code return}s answer before ssl-redirect, the access lists and the canary choice
 * (X4-X6), app-root before everything of the location, the www twin over HTTPS (R6), and the CORS
 * headers on the route's own answers.
 */
class RedirectPrecedenceTest {

    private static final String HOST = "secure.example.com";
    private static final Cors CORS = new Cors(List.of("https://web.example"), "GET, POST", "X-A", true, "", 60);

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withHttpsPort(0));

    private TestBackend app;

    private Route route(String host, Backend backend, Policy... policies) {
        return new Route("default", "main", host, PathMatch.prefix("/"), backend, null, RouteOptions.DEFAULTS,
                Policies.of(policies));
    }

    /** {@code secure.example.com} (in spec.tls) with these route policies and host policies. */
    private void publish(List<Policy> hostPolicies, Policy... policies) {
        app = app != null ? app : gw.backend("app");
        VirtualHost secure = new VirtualHost(HOST, List.of(route(HOST, backend("app", app), policies)), null,
                Policies.of(hostPolicies));
        VirtualHost twin = new VirtualHost("www." + HOST, List.of(), null, Policies.of(new WwwRedirect(HOST)));
        gw.publish(new RouteTable(1, Map.of(HOST, secure, "www." + HOST, twin), Map.of(),
                new VirtualHost(VirtualHost.DEFAULT_SERVER, List.of(), null), Map.of(),
                new CertificateTable(Map.of(), Map.of(), Set.of(HOST), null)));
    }

    @Test
    void x4_aTlsHostWithAPermanentRedirectSendsPlainHttpStraightToTheUrl() {
        publish(List.of(), SslRedirect.DEFAULT, new Redirect(301, "https://x.example", false));
        HttpResponse<String> r = gw.get(HOST, "/page");
        assertThat(r.statusCode()).as("no 308 first").isEqualTo(301);
        assertThat(r.headers().firstValue("Location")).hasValue("https://x.example");
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void x5_aClientOutsideTheAllowlistGetsTheRedirectNot403() {
        publish(List.of(), new AccessList(SourceRanges.of(List.of("10.0.0.0/8"))), new Redirect(301, "/elsewhere", false));
        HttpResponse<String> r = gw.get(HOST, "/");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("Location")).hasValue("http://" + HOST + "/elsewhere");
    }

    @Test
    void x6_aPlainHttpPreflightOnATlsHostIs204Not308() {
        publish(List.of(), SslRedirect.DEFAULT, new AccessList(SourceRanges.of(List.of("10.0.0.0/8"))), CORS);
        HttpResponse<String> preflight = gw.send(gw.request(HOST, "/api").header("Origin", "https://web.example")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://web.example");
        HttpResponse<String> get = gw.get(HOST, "/api", "Origin", "https://web.example");
        assertThat(get.statusCode()).isEqualTo(308);
        assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).as("redirects carry CORS")
                .hasValue("https://web.example");
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void thePreflightIs204WithContentLengthZeroAndNoContentType() throws Exception {
        publish(List.of(), CORS);
        try (RawHttp raw = new RawHttp(gw.port())) {
            String response = raw.send("OPTIONS /api HTTP/1.1\r\nHost: " + HOST + "\r\nOrigin: https://web.example\r\n"
                    + "Connection: close\r\n\r\n").readAll();
            assertThat(response).startsWith("HTTP/1.1 204 No Content\r\n").containsIgnoringCase("\r\ncontent-length: 0\r\n")
                    .containsIgnoringCase("\r\naccess-control-allow-methods: GET, POST\r\n")
                    .containsIgnoringCase("\r\naccess-control-allow-credentials: true\r\n")
                    .containsIgnoringCase("\r\naccess-control-max-age: 60\r\n")
                    .doesNotContainIgnoringCase("content-type").endsWith("\r\n\r\n");
        }
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void corsHeadersAreOnTheRoutesOwnErrorAnswers() {
        publish(List.of(), new AccessList(SourceRanges.of(List.of("10.0.0.0/8"))), CORS);
        HttpResponse<String> forbidden = gw.get(HOST, "/", "Origin", "https://web.example");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://web.example");

        VirtualHost empty = new VirtualHost(HOST, List.of(route(HOST, backend("none", List.of()), CORS)), null);
        gw.publish(new RouteTable(2, Map.of(HOST, empty), Map.of(), new VirtualHost("_", List.of(), null)));
        HttpResponse<String> unavailable = gw.get(HOST, "/", "Origin", "https://web.example");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://web.example");
        assertThat(unavailable.headers().firstValue("Access-Control-Max-Age")).hasValue("60");
    }

    @Test
    void appRootAnswersSlashBeforeTheLocationsCorsAndSslRedirect() {
        publish(List.of(new AppRoot("/app")), SslRedirect.DEFAULT, CORS);
        HttpResponse<String> r = gw.get(HOST, "/?q=1", "Origin", "https://web.example");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("http://" + HOST + "/app");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as("a server-level return").isEmpty();
        assertThat(gw.get(HOST, "/app").statusCode()).isEqualTo(308);
    }

    @Test
    void r6_theWwwTwinOverHttpsRedirectsWithPort443() {
        publish(List.of());
        TlsClient.Result r = TlsClient.get(gw.gateway().httpsPort(), "www." + HOST, "www." + HOST, "/");
        assertThat(r.status()).isEqualTo(308);
        assertThat(r.response()).containsIgnoringCase("\r\nlocation: https://" + HOST + ":443\r\n");
        assertThat(TlsClient.get(gw.gateway().httpsPort(), HOST, HOST, "/").status()).isEqualTo(200);
    }

    @Test
    void theWwwTwinUsesTheHttpRedirectCode() {
        gw.configure(c -> c.toBuilder().httpRedirectCode(301).build());
        publish(List.of(), CORS);
        HttpResponse<String> r = gw.get("www." + HOST, "/a/b/?x=1", "Origin", "https://web.example");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("Location")).hasValue("http://" + HOST + ":80/a/b/?x=1");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as("nothing of the Ingress runs").isEmpty();
        assertThat(app.seen()).isEmpty();
    }

    @Test
    void aDeniedRangeBeatsAWiderAllowedOne() {
        AccessList list = new AccessList(SourceRanges.of(List.of("127.0.0.0/8"))).withDenied(
                SourceRanges.of(List.of("127.0.0.1")));
        publish(List.of(), list);
        assertThat(gw.get(HOST, "/").statusCode()).isEqualTo(403);
        publish(List.of(), AccessList.denying(SourceRanges.of(List.of("127.0.0.2", "::1"))));
        assertThat(gw.get(HOST, "/").statusCode()).isEqualTo(200);
        assertThat(app.seen()).hasSize(1);
    }
}
