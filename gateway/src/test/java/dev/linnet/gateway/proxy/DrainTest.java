package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GatewayServer.goAway and drain: the data plane's half of a graceful shutdown. goAway starts
 * the shutdown delay (clients told to go, the listeners still accept), drain ends it.
 */
class DrainTest {

    private static final String GET = "GET / HTTP/1.1\r\nHost: h.example.com\r\n\r\n";
    private static final String SLOW = "POST /upload HTTP/1.1\r\nHost: h.example.com\r\nContent-Length: 4\r\n\r\nslow";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private TestBackend upstream;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void publish() {
        upstream = gw.backend("up");
        upstream.holdUploads(release); // /upload answers once the test says so
        gw.publish(table(route("h.example.com", "/", backend("up", upstream))));
    }

    @Test
    void inFlightRequestsCompleteIdleConnectionsCloseNewOnesAreRefused() throws Exception {
        int port = gw.port();
        try (RawHttp idle = new RawHttp(port)) {
            assertThat(idle.send(GET).read().status()).isEqualTo(200);
            List<RawHttp> slow = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                slow.add(gw.closeLater(new RawHttp(port)).send(SLOW));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.seen().size() == 4);

            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                    () -> gw.gateway().drain(Duration.ofSeconds(30)));

            assertThat(idle.closedBeforeReadTimeout()).as("idle keep-alive connection closed after a moment").isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));
            assertThat(drained).isNotDone();

            release.countDown();
            for (RawHttp s : slow) {
                RawHttp.Response r = s.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("4 " + crc("slow"));
                assertThat(r.header("Connection")).as("the last response of a draining connection").isEqualTo("close");
                assertThat(s.closedBeforeReadTimeout()).isTrue();
            }
            assertThat(drained.get(20, TimeUnit.SECONDS)).as("ended within the grace").isTrue();
        }
    }

    @Test
    void aConnectionOpenedBeforeTheDrainIsServedItsFirstRequestWithConnectionClose() throws Exception {
        try (RawHttp fresh = new RawHttp(gw.port())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().connections().open() == 1);
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                    () -> gw.gateway().drain(Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().connections().closesIdle());
            RawHttp.Response r = fresh.send(GET).read();
            assertThat(r.status()).as("it was accepted: its request must not fail").isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(drained.get(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void duringTheDelayEveryResponseSaysConnectionCloseWhileTheListenerAcceptsAndIdleConnectionsStay()
            throws Exception {
        int port = gw.port();
        try (RawHttp idle = new RawHttp(port); RawHttp busy = new RawHttp(port)) {
            assertThat(idle.send(GET).read().header("Connection")).as("keep-alive before the shutdown").isNull();
            busy.send(SLOW);
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.seen().size() == 2);

            gw.gateway().goAway();

            try (RawHttp fresh = new RawHttp(port)) {
                RawHttp.Response r = fresh.send(GET).read();
                assertThat(r.status()).as("the listener still accepts and serves").isEqualTo(200);
                assertThat(r.header("Connection")).isEqualTo("close");
                assertThat(fresh.closedBeforeReadTimeout()).isTrue();
            }
            RawHttp.Response next = idle.send(GET).read();
            assertThat(next.status()).as("an idle keep-alive connection is not cut during the delay").isEqualTo(200);
            assertThat(next.header("Connection")).isEqualTo("close");
            assertThat(idle.closedBeforeReadTimeout()).isTrue();

            release.countDown();
            RawHttp.Response slow = busy.read();
            assertThat(slow.status()).isEqualTo(200);
            assertThat(slow.header("Connection")).as("head written during the delay").isEqualTo("close");
            assertThat(busy.closedBeforeReadTimeout()).isTrue();
        }
        assertThat(CompletableFuture.supplyAsync(() -> gw.gateway().drain(Duration.ofSeconds(30)))
                .get(10, TimeUnit.SECONDS)).as("nothing left to drain").isTrue();
    }

    @Test
    void aKeepAliveResponseUnderWayWhenTheDelayStartsIsNotFollowedByACloseTheNextRequestRunsInto() {
        int mib = 64; // more than every socket buffer on the way: the response is still under way at goAway
        try (RawHttp connection = new RawHttp(gw.port())) {
            RawHttp.Response head = connection.send(GET.replace("GET /", "GET /download/" + (mib << 20))).readHeadOnly();
            assertThat(head.header("Connection")).as("said keep-alive before the shutdown").isNull();

            gw.gateway().goAway();
            assertThat(upstream.downloaded()).as("the exchange has not ended").isLessThan((long) mib << 20);

            for (int i = 0; i < mib; i++) {
                connection.readBytes(1 << 20);
            }
            RawHttp.Response next = connection.send(GET).read(); // at once, as a keep-alive client does
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.header("Connection")).isEqualTo("close");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anHttp2ConnectionGetsGoAwayInTwoStepsAtTheStartOfTheDelayAndItsOpenStreamFinishes() throws Exception {
        try (H2Client h2 = H2Client.connect(gw.port())) {
            assertThat(h2.send(H2Client.headers("GET", "h.example.com", "/")).status()).isEqualTo(200);
            CompletableFuture<H2Client.Response> slow = h2.start(H2Client.headers("POST", "h.example.com", "/upload"),
                    4, offset -> Unpooled.copiedBuffer("slow", StandardCharsets.US_ASCII), new AtomicLong());
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.seen().size() == 2);

            gw.gateway().goAway();

            // RFC 9113 §6.8: 2^31-1 first ("no new streams"), the real last stream id after a PING round trip.
            await().atMost(Duration.ofSeconds(10)).until(() -> h2.goAways().size() == 2);
            assertThat(h2.goAways().get(0)).isEqualTo(Integer.MAX_VALUE);
            assertThat(h2.goAways().get(1)).as("the upload's stream, the last one started").isBetween(3, 5);
            assertThat(h2.isOpen()).as("GOAWAY, not a cut: the open stream is still served").isTrue();

            release.countDown();
            assertThat(slow.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
            await("closed once its streams ended, the listener still open").atMost(Duration.ofSeconds(10))
                    .until(() -> !h2.isOpen());
        }
    }

    @Test
    void anHttp2ConnectionOpenedDuringTheDelayIsServedWhatItSendsFirst() throws Exception {
        gw.gateway().goAway();
        try (H2Client late = H2Client.connect(gw.port())) {
            assertThat(late.send(H2Client.headers("GET", "h.example.com", "/")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !late.isOpen());
            assertThat(late.goAways()).as("told with its first stream, then the last stream id")
                    .hasSize(2).startsWith(Integer.MAX_VALUE);
        }
    }

    @Test
    void whatIsStillOpenWhenTheGraceEndsIsCut() throws Exception {
        try (RawHttp stuck = new RawHttp(gw.port()).send(SLOW)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.seen().size() == 1);
            assertThat(gw.gateway().drain(Duration.ofMillis(300))).isFalse();
            assertThat(stuck.closedBeforeReadTimeout()).isTrue();
            assertThat(gw.gateway().connections().open()).isZero();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aDrainWithNothingOpenReturnsAtOnce() throws Exception {
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send(GET.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")).read().status())
                    .isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().connections().open() == 0);
        assertThat(CompletableFuture.supplyAsync(() -> gw.gateway().drain(Duration.ofSeconds(60)))
                .get(10, TimeUnit.SECONDS)).isTrue();
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static long crc(String s) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        return c.getValue();
    }
}
