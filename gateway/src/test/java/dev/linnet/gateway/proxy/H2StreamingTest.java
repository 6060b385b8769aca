package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.streamingBodies;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.TestBackend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies over HTTP/2 streams are not buffered whole: HTTP/2 flow control takes the place of the
 * TCP window, and the gateway only returns credit for what the upstream accepted.
 */
class H2StreamingTest {

    private static final long SIZE = 64L * 1024 * 1024;
    /** Two loopback socket buffers (gateway ─▶ backend) and the h2 windows fit well below this. */
    private static final long STALL_BOUND = 24L * 1024 * 1024;
    private static final int CHUNK = 16 * 1024;

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @Test
    void uploadOverAStreamStallsWhileTheUpstreamDoesNotRead() throws Exception {
        TestBackend upstream = gw.backend("big");
        gw.publish(table(streamingBodies(route("h", "/", backend("big", upstream))))); // proxy-request-buffering off
        CountDownLatch gate = new CountDownLatch(1);
        upstream.holdUploads(gate);
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        AtomicLong sent = new AtomicLong();
        CRC32 crc = new CRC32();
        CompletableFuture<H2Client.Response> response = h2.start(headers("POST", "h", "/upload"), SIZE,
                offset -> chunk(offset, crc), sent);
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() > 0);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> sent.get() < STALL_BOUND);
        gate.countDown();
        H2Client.Response r = response.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo(SIZE + " " + crc.getValue());
    }

    @Test
    void downloadOverAStreamArrivesWhole() {
        TestBackend upstream = gw.backend("big");
        gw.publish(table(route("h", "/", backend("big", upstream))));
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        int size = 8 * 1024 * 1024;
        H2Client.Response r = h2.send(headers("GET", "h", "/download/" + size));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize(size);
        for (int i = 0; i < size; i++) {
            if (r.body()[i] != TestBackend.pattern(i)) {
                throw new AssertionError("byte " + i + " differs");
            }
        }
    }

    private static ByteBuf chunk(long offset, CRC32 crc) {
        int n = (int) Math.min(CHUNK, SIZE - offset);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = TestBackend.pattern(offset + i);
        }
        crc.update(bytes);
        return Unpooled.wrappedBuffer(bytes);
    }
}
