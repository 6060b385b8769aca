package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.ErrorBackends.seen;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.CustomErrors;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.testing.ErrorBackends;
import dev.linnet.gateway.testing.Fixtures;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.LogRecorder;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Error pages and default backends through the real gateway (annotations-spec.md §5, catalogue
 * §9.5 D1-D8, D11, D13 and X11): a main backend answering the status its path names, an error
 * backend echoing the request it got.
 */
class ErrorPagesTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private Backend statuses(String service) throws IOException {
        return Backend.of("default", service, "80", List.of(gw.closeLater(ErrorBackends.statuses(service)).endpoint()));
    }

    private Backend echo(String service, int status) throws IOException {
        return Backend.of("default", service, "80", List.of(gw.closeLater(ErrorBackends.echo(service, status)).endpoint()));
    }

    private static Backend none(String service) {
        return Backend.of("default", service, "80", List.of());
    }

    private static Route errorsOn(Route route, CustomErrors errors) {
        return withPolicies(route, errors);
    }

    @Test
    void listedUpstreamStatusesGoToTheErrorBackendOthersPassD1() throws IOException {
        Backend pages = echo("error-pages", 200);
        gw.publish(table(errorsOn(route("d1.test", "/", statuses("app")),
                CustomErrors.of(List.of(404, 500), true, pages, null))));

        HttpResponse<String> notFound = gw.get("d1.test", "/status/404");
        assertThat(notFound.statusCode()).as("the error backend's status").isEqualTo(200);
        assertThat(notFound.headers().firstValue("x-echo")).hasValue("error-pages");
        assertThat(seen(notFound.body())).containsEntry("x-code", "404");
        assertThat(seen(gw.get("d1.test", "/status/500").body())).containsEntry("x-code", "500");

        HttpResponse<String> unlisted = gw.get("d1.test", "/status/503");
        assertThat(unlisted.statusCode()).isEqualTo(503);
        assertThat(unlisted.body()).isEqualTo("upstream 503");
    }

    @Test
    void aChangedListTakesEffectWithTheNextTableD2() throws IOException {
        Backend pages = echo("error-pages", 200);
        Backend app = statuses("app");
        gw.publish(table(errorsOn(route("d2.test", "/", app), CustomErrors.of(List.of(404, 500), true, pages, null))));
        assertThat(gw.get("d2.test", "/status/404").statusCode()).isEqualTo(200);

        gw.publish(table(errorsOn(route("d2.test", "/", app), CustomErrors.of(List.of(503), true, pages, null))));

        assertThat(gw.get("d2.test", "/status/404").body()).isEqualTo("upstream 404");
        assertThat(seen(gw.get("d2.test", "/status/503").body())).containsEntry("x-code", "503");
    }

    @Test
    void theErrorRequestIsSection52sAndItsAnswerIsRelayedAsItIsD4D7() throws IOException {
        Backend pages = echo("error-pages", 418);
        gw.publish(table(errorsOn(route("d4.test", "/", statuses("httpbun")),
                CustomErrors.of(List.of(404), true, pages, null))));

        HttpResponse<String> r = gw.send(gw.request("d4.test", "/status/404?a=1&b=%20")
                .header("Accept", "application/json").header("X-Request-ID", "something-unique")
                .header("X-Forwarded-For", "6.6.6.6").header("X-Custom", "kept")
                .POST(HttpRequest.BodyPublishers.ofString("payload")).build());

        assertThat(r.statusCode()).as("the error backend's status, as it is").isEqualTo(418);
        assertThat(r.headers().firstValue("x-echo")).hasValue("error-pages");
        Map<String, String> seen = seen(r.body());
        assertThat(seen).containsEntry("request", "POST /?a=1&b=%20")
                .containsEntry("x-code", "404")
                .containsEntry("x-format", "application/json")
                .containsEntry("x-original-uri", "/status/404?a=1&b=%20")
                .containsEntry("x-namespace", "default")
                .containsEntry("x-ingress-name", "main")
                .containsEntry("x-service-name", "httpbun")
                .containsEntry("x-service-port", "80")
                .containsEntry("x-request-id", "something-unique")
                .containsEntry("x-forwarded-for", "127.0.0.1")
                .containsEntry("host", "d4.test")
                .containsEntry("x-custom", "kept")
                .containsEntry("connection", "close")
                .containsEntry("body", "") // streamed to the upstream already: nginx would send it again
                .doesNotContainKey("x-real-ip");
    }

    @Test
    void disabledInterceptionPassesUpstreamStatusesButNotTheGatewaysD6() throws IOException {
        Backend pages = echo("error-pages", 200);
        Route app = errorsOn(route("d6.test", "/", statuses("httpbun")),
                CustomErrors.of(List.of(404, 503), false, pages, null));
        Route empty = errorsOn(route("d6.test", "/empty", none("gone")),
                CustomErrors.of(List.of(404, 503), false, pages, null));
        gw.publish(table(app, empty));

        HttpResponse<String> upstream = gw.get("d6.test", "/status/404");
        assertThat(upstream.statusCode()).isEqualTo(404);
        assertThat(upstream.body()).isEqualTo("upstream 404");
        HttpResponse<String> own = gw.get("d6.test", "/empty");
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(seen(own.body())).containsEntry("x-code", "503").containsEntry("x-service-name", "gone");
    }

    @Test
    void aServiceWithoutEndpointsIsProxiedToTheDefaultBackendWithItsUriD5() throws IOException {
        Backend pages = echo("echo", 200);
        gw.publish(table(errorsOn(route("d5.test", "/", none("invalid")), CustomErrors.of(List.of(), true, pages, null))));

        HttpResponse<String> r = gw.get("d5.test", "/alma/armud", "X-Request-ID", "something-unique");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen(r.body())).containsEntry("request", "GET /alma/armud")
                .containsEntry("x-code", "503")
                .containsEntry("x-ingress-name", "main")
                .containsEntry("x-namespace", "default")
                .containsEntry("x-service-name", "invalid")
                .containsEntry("x-service-port", "80")
                .containsEntry("x-request-id", "something-unique")
                .containsKey("x-real-ip"); // the usual upstream headers (§3.1)
    }

    @Test
    void listedCodesWithoutAnErrorBackendBecomeTheBuiltInNotFoundX11() {
        gw.publish(table(errorsOn(route("x11.test", "/", none("app")), CustomErrors.of(List.of(503), true, null, null))));

        HttpResponse<String> r = gw.get("x11.test", "/");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("default backend - 404\n");
    }

    @Test
    void anErrorBackendWithoutEndpointsFallsBackToTheGlobalOneD4() throws IOException {
        Backend global = echo("global-pages", 200);
        gw.publish(table(errorsOn(route("g.test", "/", statuses("app")),
                CustomErrors.of(List.of(404), true, none("from-annotation"), global))));

        HttpResponse<String> r = gw.get("g.test", "/status/404");

        assertThat(r.headers().firstValue("x-echo")).hasValue("global-pages");
    }

    @Test
    void theGatewaysOwnAnswersAreInterceptedWithTheClientsBody() throws IOException {
        Backend pages = echo("error-pages", 200);
        gw.publish(table(withPolicies(route("deny.test", "/", statuses("app")), new Deny("test"),
                CustomErrors.of(List.of(503), true, pages, null))));

        HttpResponse<String> r = gw.send(gw.request("deny.test", "/x?q=1")
                .POST(HttpRequest.BodyPublishers.ofString("not read before")).build());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen(r.body())).containsEntry("x-code", "503").containsEntry("request", "POST /?q=1")
                .containsEntry("body", "not read before");
        assertThat(gw.get("deny.test", "/again").statusCode()).as("the connection serves on").isEqualTo(200);
    }

    /**
     * A Content-Length over the route's proxy-body-size: ingress-nginx's location {@code error_page}
     * takes nginx's 413 to the error backend when custom-http-errors lists it. The body is never
     * read, so the error request goes without it and the connection closes after the answer.
     */
    @Test
    void aBodyOverProxyBodySizeGoesToTheErrorBackendWhen413IsListed() throws IOException {
        Backend pages = echo("error-pages", 200);
        RouteOptions limited = new RouteOptions(dev.linnet.gateway.route.BackendProtocol.HTTP, null, null, null, 8, -1);
        gw.publish(table(
                errorsOn(new Route("default", "main", "413.test", PathMatch.prefix("/"), statuses("app"), null, limited),
                        CustomErrors.of(List.of(413), true, pages, null)),
                errorsOn(new Route("default", "other", "other.test", PathMatch.prefix("/"), statuses("app"), null,
                        limited), CustomErrors.of(List.of(404), true, pages, null))));

        try (RawHttp client = new RawHttp(gw.port())) {
            RawHttp.Response r = client.send("POST /up?q=1 HTTP/1.1\r\nHost: 413.test\r\nContent-Length: 100000\r\n"
                    + "Expect: 100-continue\r\n\r\n").read();
            assertThat(r.status()).as("the error backend's").isEqualTo(200);
            assertThat(seen(r.body())).containsEntry("x-code", "413").containsEntry("request", "POST /?q=1")
                    .containsEntry("body", "").doesNotContainKey("content-length");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send("POST / HTTP/1.1\r\nHost: other.test\r\nContent-Length: 100000\r\n\r\n").read()
                    .status()).as("413 not listed").isEqualTo(413);
        }
    }

    @Test
    void anUnreachableUpstreamsBadGatewayIsInterceptedWhenListed() throws IOException {
        Backend pages = echo("error-pages", 200);
        Backend refusing = Fixtures.backend("app", List.of(Fixtures.refusingEndpoint()));
        gw.publish(table(errorsOn(route("502.test", "/", refusing), CustomErrors.of(List.of(502), true, pages, null))));

        HttpResponse<String> r = gw.get("502.test", "/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen(r.body())).containsEntry("x-code", "502");
    }

    @Test
    void anErrorFromTheErrorBackendIsNotInterceptedAgain() throws IOException {
        Backend refusing = Fixtures.backend("pages", List.of(Fixtures.refusingEndpoint()));
        gw.publish(table(errorsOn(route("loop.test", "/", statuses("app")),
                CustomErrors.of(List.of(404, 502), true, refusing, null))));

        assertThat(gw.get("loop.test", "/status/404").statusCode()).isEqualTo(502);
    }

    @Test
    void canaryTrafficUsesTheMainRoutesCodesAndBackend() throws IOException {
        Backend pages = echo("error-pages", 200);
        Route main = route("canary.test", "/", statuses("app"))
                .withCanary(canary(statuses("app-canary")).header("X-Canary").build());
        gw.publish(table(errorsOn(main, CustomErrors.of(List.of(404), true, pages, null))));

        HttpResponse<String> r = gw.get("canary.test", "/status/404", "X-Canary", "always");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen(r.body())).containsEntry("x-code", "404").containsEntry("x-service-name", "app");
    }

    @Test
    void http2ClientsGetTheErrorBackendsAnswer() throws IOException {
        Backend pages = echo("error-pages", 200);
        gw.publish(table(errorsOn(route("h2.test", "/", statuses("app")), CustomErrors.of(List.of(404), true, pages, null))));

        try (H2Client client = H2Client.connect(gw.port())) {
            H2Client.Response r = client.send(H2Client.headers("GET", "h2.test", "/status/404?x=1"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(seen(r.text())).containsEntry("x-code", "404").containsEntry("request", "GET /?x=1")
                    .containsEntry("host", "h2.test");
            H2Client.Response passed = client.send(H2Client.headers("GET", "h2.test", "/status/201"));
            assertThat(passed.status()).isEqualTo(201);
        }
    }

    @Test
    void aLargeInterceptedBodyIsDroppedWithoutLeaks() throws IOException {
        Backend pages = echo("error-pages", 200);
        gw.publish(table(errorsOn(route("big.test", "/", statuses("app")), CustomErrors.of(List.of(500), true, pages, null))));
        try (LogRecorder logs = LogRecorder.root()) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = gw.get("big.test", "/big/500/" + (4 << 20));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(seen(r.body())).containsEntry("x-code", "500");
            }
            System.gc(); // paranoid detection reports a lost buffer at the next allocations
            for (int i = 0; i < 10; i++) {
                assertThat(gw.get("big.test", "/big/200/100000").statusCode()).isEqualTo(200);
            }
            assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains("LEAK"));
        }
    }

    @Test
    void unmatchedRequestsGoToTheDefaultBackendServiceWithNormalHeadersD8D11() throws IOException {
        Backend global = echo("default-http-backend", 200);
        TestBackend app = gw.backend("app");
        gw.publish(withFallbacks(global, route("known.test", "/app", backend("app", app))));

        for (String host : List.of("other.test", "known.test")) {
            HttpResponse<String> r = gw.send(gw.request(host, "/demo")
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).build());
            assertThat(r.statusCode()).as(host).isEqualTo(200);
            assertThat(seen(r.body())).as(host).containsEntry("request", "POST /demo").containsEntry("body", "hello")
                    .doesNotContainKey("x-code");
        }
        assertThat(gw.get("known.test", "/app").body()).isEqualTo("app");
    }

    @Test
    void aDefaultBackendServiceWithoutEndpointsIsTheBuiltInNotFound() {
        gw.publish(withFallbacks(none("default-http-backend")));

        HttpResponse<String> r = gw.get("nothing.test", "/");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("default backend - 404\n");
    }

    /** {@code routes}, with {@code global} as the fallback of every host and of {@code _} (what the builder makes of the flag). */
    private static RouteTable withFallbacks(Backend global, Route... routes) {
        RouteTable t = table(routes);
        Map<String, VirtualHost> exact = new HashMap<>();
        t.exactHosts().forEach((h, vh) -> exact.put(h, new VirtualHost(h, vh.routes(), catchAll(h, global))));
        return new RouteTable(2, exact, Map.of(), new VirtualHost(VirtualHost.DEFAULT_SERVER, List.of(),
                catchAll(VirtualHost.DEFAULT_SERVER, global)));
    }

    private static Route catchAll(String host, Backend global) {
        return new Route("", "", host, PathMatch.prefix("/"), global, null, RouteOptions.DEFAULTS,
                Policies.of(CustomErrors.catchAllOf()));
    }
}
