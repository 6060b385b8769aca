package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.streamingBodies;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 200 MiB each way through the gateway, checked byte for byte, with two honest checks that
 * nothing is aggregated: while one side stops reading, the other side's progress stalls at a few
 * socket buffers' worth; and Netty's allocator never holds more than a small fraction of the body.
 */
class StreamingTest {

    private static final long SIZE = 200L * 1024 * 1024;
    /** Socket buffers on loopback autotune to a few MiB each; four of them sit between the ends. */
    private static final long STALL_BOUND = 48L * 1024 * 1024;
    private static final long MEMORY_BOUND = 32L * 1024 * 1024;

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final AtomicLong peakAllocated = new AtomicLong();
    private ScheduledExecutorService sampler;
    private TestBackend upstream;

    @BeforeEach
    void setUp() {
        upstream = gw.backend("big");
        // proxy-request-buffering off: the upload streams (buffered, it would wait in a file)
        gw.publish(table(streamingBodies(route("h", "/", backend("big", upstream)))));
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakAllocated.accumulateAndGet(
                metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max), 0, 5, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopSampler() {
        sampler.shutdownNow();
    }

    @Test
    void downloadStreamsWithBackPressure() throws Exception {
        HttpResponse<InputStream> response = gw.client().send(gw.request("h", "/download/" + SIZE).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream in = response.body()) {
            byte[] buf = new byte[64 * 1024];
            long offset = 0;
            // Read 1 MiB, then stop reading: the backend must stall, not run ahead into our memory.
            while (offset < 1024 * 1024) {
                offset += check(buf, in.read(buf), offset);
            }
            long readSoFar = offset;
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> upstream.downloaded() < readSoFar + STALL_BOUND);
            for (int n; (n = in.read(buf)) >= 0; ) {
                offset += check(buf, n, offset);
            }
            assertThat(offset).isEqualTo(SIZE);
        }
        assertThat(peakAllocated.get()).isLessThan(MEMORY_BOUND);
    }

    private static int check(byte[] buf, int n, long offset) {
        for (int i = 0; i < n; i++) {
            if (buf[i] != TestBackend.pattern(offset + i)) {
                throw new AssertionError("byte " + (offset + i) + " differs");
            }
        }
        return n;
    }

    @Test
    void uploadStreamsWithBackPressure() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        upstream.holdUploads(gate);
        PatternStream body = new PatternStream(SIZE);
        HttpRequest request = gw.request("h", "/upload")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), SIZE))
                .build();
        CompletableFuture<HttpResponse<String>> response = gw.client().sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        // The backend is not reading: the client must stall after a few socket buffers.
        await().atMost(Duration.ofSeconds(10)).until(() -> body.sent.get() > 0);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> body.sent.get() < STALL_BOUND);
        gate.countDown();
        HttpResponse<String> r = response.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(SIZE + " " + body.crc.getValue());
        assertThat(peakAllocated.get()).isLessThan(MEMORY_BOUND);
    }

    /**
     * Buffered (the default), the upload goes into a temporary file before the pod is connected:
     * Netty's allocator still never holds more than a small fraction of it.
     */
    @Test
    void aBufferedUploadWaitsOnDiskNotInMemory() throws Exception {
        gw.publish(table(route("h", "/", backend("big", upstream))));
        long size = 64L * 1024 * 1024;
        PatternStream body = new PatternStream(size);
        HttpResponse<String> r = gw.client().send(gw.request("h", "/upload")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
                        size)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(size + " " + body.crc.getValue());
        assertThat(peakAllocated.get()).isLessThan(MEMORY_BOUND);
    }

    /** {@code size} bytes of the download pattern, counting and checksumming what was read. */
    static final class PatternStream extends InputStream {
        final AtomicLong sent = new AtomicLong();
        final CRC32 crc = new CRC32();
        private final long size;
        private long offset;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (offset >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - offset);
            for (int i = 0; i < n; i++) {
                b[off + i] = TestBackend.pattern(offset + i);
            }
            crc.update(b, off, n);
            offset += n;
            sent.addAndGet(n);
            return n;
        }

        @Override
        public void close() throws IOException {
        }
    }
}
