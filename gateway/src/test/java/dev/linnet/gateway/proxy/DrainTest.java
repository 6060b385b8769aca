package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GatewayServer.drain: the data plane's half of a graceful shutdown. */
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

            assertThat(idle.closedBeforeReadTimeout()).as("idle keep-alive connection closed at once").isTrue();
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
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().connections().isDraining());
            RawHttp.Response r = fresh.send(GET).read();
            assertThat(r.status()).as("it was accepted: its request must not fail").isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(drained.get(20, TimeUnit.SECONDS)).isTrue();
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
