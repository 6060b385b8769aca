package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.metrics.MetricNames;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawHttp;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client-side limits of GatewayConfig, each against a real gateway and a raw socket. */
class LimitsTest {

    private static final String GET = "GET / HTTP/1.1\r\nHost: h.example.com\r\n\r\n";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @BeforeEach
    void publish() {
        gw.publish(table(route("h.example.com", "/", backend("up", gw.backend("up")))));
    }

    @Test
    void requestLineOverTheConfiguredLimitGets414() throws Exception {
        gw.configure(c -> c.toBuilder().maxInitialLineLength(100).build());
        try (RawHttp raw = new RawHttp(gw.port())) {
            String line = "GET /" + "a".repeat(120) + " HTTP/1.1\r\nHost: h.example.com\r\n\r\n";
            assertThat(raw.send(line).read().status()).isEqualTo(414);
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET /" + "a".repeat(60) + " HTTP/1.1\r\nHost: h.example.com\r\n\r\n").read().status())
                    .isEqualTo(200);
        }
    }

    @Test
    void headerBlockOverTheConfiguredLimitGets431() throws Exception {
        gw.configure(c -> c.toBuilder().maxHeaderSize(200).build());
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h.example.com\r\nX-Big: " + "b".repeat(250) + "\r\n\r\n")
                    .read().status()).isEqualTo(431);
        }
    }

    @Test
    void moreHeaderFieldsThanMaxHeadersGet431AndClose() throws Exception {
        gw.configure(c -> c.toBuilder().maxHeaders(5).build());
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response ok = raw.send("GET / HTTP/1.1\r\nHost: h.example.com\r\n" + fields(4) + "\r\n").read();
            assertThat(ok.status()).as("Host and 4 more: exactly 5").isEqualTo(200);
            RawHttp.Response refused = raw.send("GET / HTTP/1.1\r\nHost: h.example.com\r\n" + fields(5) + "\r\n").read();
            assertThat(refused.status()).isEqualTo(431);
            assertThat(refused.header("Connection")).isEqualTo("close");
            assertThat(raw.closedBeforeReadTimeout()).isTrue();
        }
    }

    private static String fields(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("X-F").append(i).append(": v\r\n");
        }
        return b.toString();
    }

    @Test
    void theLastAllowedKeepAliveRequestIsAnsweredWithConnectionClose() throws Exception {
        gw.configure(c -> c.toBuilder().keepAliveRequests(3).build());
        try (RawHttp raw = new RawHttp(gw.port())) {
            for (int i = 1; i <= 2; i++) {
                RawHttp.Response r = raw.send(GET).read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Connection")).as("response " + i).isNull();
            }
            RawHttp.Response last = raw.send(GET).read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.header("Connection")).isEqualTo("close");
            assertThat(raw.closedBeforeReadTimeout()).isTrue();
        }
    }

    @Test
    void keepAliveRequestsCountsLocalAnswersToo() throws Exception {
        gw.configure(c -> c.toBuilder().keepAliveRequests(2).build());
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: nowhere\r\n\r\n").read().header("Connection")).isNull();
            RawHttp.Response last = raw.send("GET / HTTP/1.1\r\nHost: nowhere\r\n\r\n").read();
            assertThat(last.status()).isEqualTo(404);
            assertThat(last.header("Connection")).isEqualTo("close");
            assertThat(raw.closedBeforeReadTimeout()).isTrue();
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnceAndCounted() throws Exception {
        gw.configure(c -> c.toBuilder().maxConnections(2).build());
        try (RawHttp first = new RawHttp(gw.port()); RawHttp second = new RawHttp(gw.port())) {
            assertThat(first.send(GET).read().status()).isEqualTo(200);
            assertThat(second.send(GET).read().status()).isEqualTo(200);
            try (RawHttp third = new RawHttp(gw.port())) {
                assertThat(third.closedBeforeReadTimeout()).as("third connection refused").isTrue();
            }
            // Counted on the accept thread around the close the client saw: wait for it, don't race it.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    gw.metrics().registry().get(MetricNames.CLIENT_CONNECTIONS_REFUSED).counter().count()).isEqualTo(1.0));
            assertThat(first.send(GET).read().status()).as("the admitted ones go on").isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().connections().open() == 0);
        try (RawHttp again = new RawHttp(gw.port())) {
            assertThat(again.send(GET).read().status()).as("a freed slot is reused").isEqualTo(200);
        }
    }

    @Test
    void aBodyStalledOnItsWayToA404IsCutAtTheClientBodyTimeout() throws Exception {
        gw.configure(c -> c.toBuilder().clientBodyTimeout(Duration.ofMillis(500)).build());
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("POST / HTTP/1.1\r\nHost: nowhere\r\nContent-Length: 100\r\n\r\nonly ten b");
            assertThat(raw.closedBeforeReadTimeout()).as("no route, and the body stopped: closed, not held").isTrue();
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send("POST / HTTP/1.1\r\nHost: nowhere\r\nContent-Length: 4\r\n\r\nbody").read();
            assertThat(r.status()).as("a complete body is answered as before").isEqualTo(404);
            assertThat(raw.send(GET).read().status()).isEqualTo(200);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() throws Exception {
        gw.configure(c -> c.toBuilder().clientHeaderTimeout(Duration.ofMillis(500)).build());
        try (RawHttp silent = new RawHttp(gw.port())) {
            assertThat(silent.closedBeforeReadTimeout()).isTrue(); // RawHttp's read timeout is 20 s
        }
    }

    @Test
    void anIdleKeepAliveConnectionWaitsForTheIdleTimeoutNotTheHeaderTimeout() throws Exception {
        gw.configure(c -> c.toBuilder().clientHeaderTimeout(Duration.ofMillis(300))
                .idleTimeout(Duration.ofSeconds(30)).build());
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send(GET).read().status()).isEqualTo(200);
            Thread.sleep(1000); // idle for more than three header timeouts: time is what is tested here
            assertThat(raw.send(GET).read().status()).isEqualTo(200);
        }
    }
}
