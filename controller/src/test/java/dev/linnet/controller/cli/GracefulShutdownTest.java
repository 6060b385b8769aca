package dev.linnet.controller.cli;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.admin.AdminServer;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawHttp;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link GracefulShutdown#drain} with keep-alive clients busy when it starts (issue 15, item 7):
 * during the shutdown delay each is told to go ({@code Connection: close}, GOAWAY) while the
 * listener still accepts, so its next request goes to a new connection and nothing is cut
 * under a request. A client told to go only when the listener closed (or cut between two
 * requests) is what lost requests under wrk; see perf/drain.sh for the figure.
 */
class GracefulShutdownTest {

    private static final String HOST = "h.example.com";
    private static final String GET = "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
    private static final int CLIENTS = 6;
    private static final Duration DELAY = Duration.ofMillis(1500);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String MOVED = "moved";
    private static final String STAYED = "stayed until refused";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final AtomicInteger served = new AtomicInteger();
    private AdminServer admin;

    @BeforeEach
    void start() throws InterruptedException {
        gw.publish(table(route(HOST, "/", backend("up", gw.backend("up")))));
        admin = AdminServer.start("127.0.0.1", 0, gw.routes());
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        admin.close();
    }

    @Test
    void http11KeepAliveClientsBusyWhenTheShutdownStartsAreToldToGoWhileTheListenerStillAccepts() throws Exception {
        assertEveryClientMovesAway(this::http11Client);
    }

    @Test
    void http2ClientsBusyWhenTheShutdownStartsAreToldToGoWhileTheListenerStillAccepts() throws Exception {
        assertEveryClientMovesAway(this::http2Client);
    }

    /**
     * Plain wrk's way (perf/drain.sh "stay"): each Connection: close makes the client reconnect
     * to the same address, so during the delay it keeps the accept backlog busy. The listener
     * closes only once the reconnects stopped (SETTLE), and a connection idle between two
     * requests is closed only after a moment of silence: every request sent gets its response,
     * and the clients end on a refused connect.
     */
    @Test
    void http11ClientsThatReconnectToTheSameAddressLoseNoRequestThroughTheWholeDrain() throws Exception {
        assertEveryClient(this::stayingClient, STAYED);
    }

    private void assertEveryClientMovesAway(Function<Integer, String> client) throws Exception {
        assertEveryClient(client, MOVED);
    }

    private void assertEveryClient(Function<Integer, String> client, String expected) throws Exception {
        int port = gw.port();
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            outcomes.add(CompletableFuture.supplyAsync(() -> client.apply(port), clients));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> served.get() >= CLIENTS * 20); // all busy

        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> {
            try {
                GracefulShutdown.drain(admin, gw.gateway(), DELAY, GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        for (CompletableFuture<String> outcome : outcomes) {
            assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
        }
        shutdown.get(30, TimeUnit.SECONDS);
        assertThat(gw.gateway().connections().open()).isZero();
    }

    /**
     * Requests back to back on one keep-alive connection until a response says
     * {@code Connection: close}; then one request on a new connection ("elsewhere" behind a load
     * balancer; here the same listener, which must still accept it), and done.
     */
    private String http11Client(int port) {
        try (RawHttp connection = new RawHttp(port)) {
            for (int n = 0; ; n++) {
                RawHttp.Response r;
                try {
                    r = connection.send(GET).read();
                } catch (UncheckedIOException e) {
                    return "request " + n + " of a keep-alive connection lost: " + e.getCause();
                }
                if (r.status() != 200) {
                    return "request " + n + ": " + r.status();
                }
                served.incrementAndGet();
                if ("close".equals(r.header("Connection"))) {
                    break;
                }
            }
        } catch (java.io.IOException e) {
            return "close failed: " + e;
        }
        try (RawHttp next = new RawHttp(port)) {
            int status = next.send(GET).read().status();
            return status == 200 ? MOVED : "the request on a new connection: " + status;
        } catch (java.io.IOException | UncheckedIOException e) {
            return "told to go only once the listener was closed: " + e;
        }
    }

    /**
     * Requests back to back; after a response that says {@code Connection: close}, a new
     * connection to the same address, until a connect is refused. A request sent that gets no
     * complete response (a close or reset under it) is lost.
     */
    private String stayingClient(int port) {
        for (int connections = 0; ; connections++) {
            RawHttp connection;
            try {
                connection = new RawHttp(port);
            } catch (UncheckedIOException refused) {
                return connections > 1 ? STAYED : "refused before any Connection: close: " + refused.getCause();
            }
            try (connection) {
                for (int n = 0; ; n++) {
                    RawHttp.Response r;
                    try {
                        r = connection.send(GET).read();
                    } catch (UncheckedIOException e) {
                        return "request " + n + " of connection " + connections + " lost: " + e.getCause();
                    }
                    if (r.status() != 200) {
                        return "request " + n + " of connection " + connections + ": " + r.status();
                    }
                    served.incrementAndGet();
                    if ("close".equals(r.header("Connection"))) {
                        break;
                    }
                }
            } catch (java.io.IOException e) {
                return "close failed: " + e;
            }
        }
    }

    /**
     * The same over h2c: streams one after another until a GOAWAY arrives (never one after it, as
     * RFC 9113 §6.8 asks of clients), then one on a new connection.
     */
    private String http2Client(int port) {
        try (H2Client connection = H2Client.connect(port)) {
            for (int n = 0; ; n++) {
                H2Client.Response r;
                try {
                    r = connection.sendUnlessGoingAway(H2Client.headers("GET", HOST, "/"));
                } catch (IllegalStateException e) {
                    return "stream " + n + " lost (GOAWAYs " + connection.goAways() + "): " + e.getCause();
                }
                if (r == null) {
                    break;
                }
                if (r.status() != 200) {
                    return "stream " + n + ": " + r.status();
                }
                served.incrementAndGet();
            }
        }
        try (H2Client next = H2Client.connect(port)) {
            int status = next.send(H2Client.headers("GET", HOST, "/")).status();
            return status == 200 ? MOVED : "the stream on a new connection: " + status;
        } catch (Exception e) { // a refused connect comes as a ConnectException, thrown sneakily
            return "told to go only once the listener was closed: " + e;
        }
    }
}
