package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.tls.CertificateTable;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HttpsRedirectTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withHttpsPort(0));

    private static final SslRedirect DEFAULTS = SslRedirect.DEFAULT;

    private static SslRedirect options(boolean sslRedirect, boolean force) {
        return new SslRedirect(sslRedirect, force, false);
    }

    private static Route route(String host, TestBackend b, SslRedirect redirect) {
        return new Route("default", "main", host, PathMatch.prefix("/"), backend(host, b), null, RouteOptions.DEFAULTS,
                Policies.of(redirect));
    }

    /** secure.example.com and *.wild.example.com are in spec.tls; plain.example.com is not. */
    private void publish(GatewayExtension gateway, TestBackend b, SslRedirect secure, SslRedirect plain) {
        RouteTable t = table(route("secure.example.com", b, secure), route("plain.example.com", b, plain),
                route("*.wild.example.com", b, secure));
        gateway.publish(new RouteTable(t.version(), t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(),
                new CertificateTable(Map.of(), Map.of(), Set.of("secure.example.com", "*.wild.example.com"), null)));
    }

    @Test
    void aHostWithTlsRedirectsPlainHttpWith308ByDefault() {
        TestBackend b = gw.backend("b");
        publish(gw, b, DEFAULTS, DEFAULTS);

        HttpResponse<String> r = gw.get("secure.example.com:8080", "/cart/items?id=7&x=%20y");

        assertThat(r.statusCode()).isEqualTo(308);
        assertThat(r.headers().firstValue("location")).hasValue("https://secure.example.com/cart/items?id=7&x=%20y");
        assertThat(gw.get("a.wild.example.com", "/").statusCode()).isEqualTo(308);
        assertThat(b.seen()).isEmpty();
        // the connection stays usable after a redirect
        assertThat(gw.get("plain.example.com", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void aHostWithoutTlsIsProxiedUnlessForced() {
        TestBackend b = gw.backend("b");
        publish(gw, b, DEFAULTS, DEFAULTS);
        assertThat(gw.get("plain.example.com", "/p").statusCode()).isEqualTo(200);

        publish(gw, b, DEFAULTS, options(true, true));
        HttpResponse<String> forced = gw.get("plain.example.com", "/p");
        assertThat(forced.statusCode()).isEqualTo(308);
        assertThat(forced.headers().firstValue("location")).hasValue("https://plain.example.com/p");
    }

    @Test
    void sslRedirectFalseTurnsTheRedirectOff() {
        TestBackend b = gw.backend("b");
        publish(gw, b, options(false, false), DEFAULTS);

        assertThat(gw.get("secure.example.com", "/").statusCode()).isEqualTo(200);
        assertThat(b.last().header("x-forwarded-proto")).isEqualTo("http");
    }

    /** lua_ingress.lua drops one trailing slash of $request_uri unless preserve-trailing-slash. */
    @Test
    void theLocationLosesATrailingSlashUnlessTheRoutePreservesIt() {
        TestBackend b = gw.backend("b");
        SslRedirect preserving = new SslRedirect(true, false, true);
        publish(gw, b, DEFAULTS, DEFAULTS);
        assertThat(gw.get("secure.example.com", "/cart/").headers().firstValue("Location"))
                .hasValue("https://secure.example.com/cart");
        assertThat(gw.get("secure.example.com", "/").headers().firstValue("Location")).hasValue("https://secure.example.com");
        assertThat(gw.get("secure.example.com", "/cart/?x=1").headers().firstValue("Location"))
                .as("only the very last character").hasValue("https://secure.example.com/cart/?x=1");
        publish(gw, b, preserving, DEFAULTS);
        assertThat(gw.get("secure.example.com", "/cart/").headers().firstValue("Location"))
                .hasValue("https://secure.example.com/cart/");
    }

    /** The request line's host decides (TLS), the Host header names the Location (redirect_host). */
    @Test
    void anAbsoluteFormRedirectsToItsHostHeader() throws Exception {
        TestBackend b = gw.backend("b");
        publish(gw, b, DEFAULTS, DEFAULTS);
        try (dev.linnet.gateway.testing.RawHttp raw = new dev.linnet.gateway.testing.RawHttp(gw.port())) {
            dev.linnet.gateway.testing.RawHttp.Response r = raw.send(
                    "GET http://secure.example.com/cart HTTP/1.1\r\nHost: other.example\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("Location")).isEqualTo("https://other.example/cart");
        }
    }

    @Test
    void aRedirectWaitingForAStalledBodyIsCutAtTheBodyTimeout() throws Exception {
        gw.configure(c -> c.toBuilder().clientBodyTimeout(java.time.Duration.ofMillis(300)).build());
        TestBackend b = gw.backend("b");
        publish(gw, b, DEFAULTS, DEFAULTS);

        // The redirect is sent once the announced body is read and dropped; a client that stops
        // half-way gets client_body_timeout per silence, as on the 404 / 503 paths, not forever.
        try (dev.linnet.gateway.testing.RawHttp raw = new dev.linnet.gateway.testing.RawHttp(gw.port())) {
            raw.send("POST /form HTTP/1.1\r\nHost: secure.example.com\r\nContent-Length: 10\r\n\r\nhalf!");
            assertThat(raw.closedBeforeReadTimeout()).as("closed without an answer, well before 20 s").isTrue();
        }
        assertThat(b.seen()).isEmpty();
    }

    @Test
    void aHostThatIsNoHostNameIsRefusedNotReflectedIntoTheLocation() throws Exception {
        TestBackend b = gw.backend("b");
        publish(gw, b, DEFAULTS, DEFAULTS);

        // Routed by the wildcard *.wild.example.com; as a Location it would send browsers to 127.0.0.1.
        try (dev.linnet.gateway.testing.RawHttp raw = new dev.linnet.gateway.testing.RawHttp(gw.port())) {
            dev.linnet.gateway.testing.RawHttp.Response r =
                    raw.send("GET / HTTP/1.1\r\nHost: 2130706433/.wild.example.com\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("Location")).isNull();
        }
        assertThat(b.seen()).isEmpty();
    }

    @Test
    void theRedirectCodeComesFromTheFlag() {
        GatewayExtension moved = gw.closeLater(new GatewayExtensionCloser(
                new GatewayExtension().configure(c -> c.withHttpsPort(0).toBuilder().httpRedirectCode(301).build()))).gateway;
        TestBackend b = gw.backend("b");
        publish(moved, b, DEFAULTS, DEFAULTS);

        HttpResponse<String> r = moved.get("secure.example.com", "/x");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).hasValue("https://secure.example.com/x");
    }

    @Test
    void withoutAnHttpsListenerNothingIsRedirected() {
        GatewayExtension plainOnly = gw.closeLater(new GatewayExtensionCloser(new GatewayExtension())).gateway;
        TestBackend b = gw.backend("b");
        publish(plainOnly, b, DEFAULTS, options(true, true));

        assertThat(plainOnly.get("secure.example.com", "/").statusCode()).isEqualTo(200);
        assertThat(plainOnly.get("plain.example.com", "/").statusCode()).isEqualTo(200);
    }

    /** A second gateway in one test, closed with the first one's resources. */
    private record GatewayExtensionCloser(GatewayExtension gateway) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            gateway.afterEach(null);
        }
    }
}
