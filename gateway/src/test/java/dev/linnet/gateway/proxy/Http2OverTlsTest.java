package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.Fixtures;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.tls.CertificateTable;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/2 over TLS through the real HTTPS listener: ALPN picks h2, each stream runs the same
 * routing, canary split, forwarded headers and redirect rules as HTTP/1.1, and a drain ends the
 * connection with GOAWAY after its open streams finish.
 */
class Http2OverTlsTest {

    private static final String HOST = "app.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withHttpsPort(0));

    /** The host is listed in spec.tls (its certificate is the listener's fallback: fine for a test). */
    private void publishTlsHost(RouteTable t) {
        gw.publish(new RouteTable(t.version(), t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(),
                new CertificateTable(Map.of(), Map.of(), Set.of(HOST), null)));
    }

    @Test
    void alpnH2CarriesTheCanarySplitAndTheForwardedHeadersOfHttps() throws Exception {
        TestBackend stable = gw.backend("stable");
        TestBackend canaryBackend = gw.backend("canary");
        publishTlsHost(table(route(HOST, "/", backend("stable", stable))
                .withCanary(canary(backend("canary", canaryBackend)).header("X-Canary").build())));

        try (H2Client h2 = H2Client.connectTls(gw.gateway().httpsPort())) {
            assertThat(h2.send(headers("GET", HOST, "/")).text())
                    .as("ssl-redirect applies to plain HTTP only: over TLS the request is proxied").isEqualTo("stable");
            assertThat(h2.send(headers("GET", HOST, "/").add("x-canary", "always")).text()).isEqualTo("canary");
            assertThat(h2.send(headers("POST", HOST, "/"), "body").text()).isEqualTo("stable");
        }
        assertThat(stable.last().header("x-forwarded-proto")).isEqualTo("https");
        assertThat(stable.last().header("x-forwarded-port")).as("443 whatever the listen port").isEqualTo("443");
    }

    @Test
    void h2cToAHostWithTlsIsRedirectedLikeHttp11() {
        TestBackend stable = gw.backend("stable");
        // ssl-redirect (on by default) is the policy the builder gives every Ingress path
        publishTlsHost(table(Fixtures.withPolicies(route(HOST, "/", backend("stable", stable)), SslRedirect.DEFAULT)));

        try (H2Client h2c = H2Client.connect(gw.port())) {
            H2Client.Response r = h2c.send(headers("GET", HOST, "/a?b=c"));
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.headers().get("location").toString()).isEqualTo("https://" + HOST + "/a?b=c");
        }
        assertThat(stable.seen()).isEmpty();
    }

    @Test
    void aDrainSendsGoAwayAndLetsTheOpenStreamFinish() throws Exception {
        TestBackend upstream = gw.backend("up");
        CountDownLatch release = new CountDownLatch(1);
        upstream.holdUploads(release); // POST /upload answers once released
        publishTlsHost(table(route(HOST, "/", backend("up", upstream))));

        try (H2Client h2 = H2Client.connectTls(gw.gateway().httpsPort())) {
            byte[] body = "slow".getBytes(StandardCharsets.US_ASCII);
            CompletableFuture<H2Client.Response> slow = h2.start(headers("POST", HOST, "/upload"), body.length,
                    offset -> Unpooled.wrappedBuffer(body), new AtomicLong());
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.seen().size() == 1);

            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                    () -> gw.gateway().drain(Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().connections().isDraining());
            assertThat(h2.isOpen()).as("GOAWAY, not a cut: the open stream is still served").isTrue();

            release.countDown();
            H2Client.Response r = slow.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !h2.isOpen());
            assertThat(drained.get(20, TimeUnit.SECONDS)).as("ended within the grace").isTrue();
        }
    }
}
