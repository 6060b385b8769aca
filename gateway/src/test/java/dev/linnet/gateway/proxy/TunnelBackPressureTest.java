package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.TestBackend;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tunnel carries far more than fits in memory, each way, without holding it: while one end
 * stops reading, the other end's progress stalls at a few socket buffers' worth, and Netty's
 * allocator (only the gateway uses Netty here: both ends are plain sockets) stays small. Same
 * bounds as {@link StreamingTest}.
 */
class TunnelBackPressureTest {

    private static final long SIZE = 128L * 1024 * 1024;
    private static final long STALL_BOUND = 48L * 1024 * 1024;
    private static final long MEMORY_BOUND = 32L * 1024 * 1024;
    private static final String SWITCH = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: bulk\r\nConnection: Upgrade\r\n\r\n";
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: bulk\r\nConnection: Upgrade\r\n\r\n";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final AtomicLong peakAllocated = new AtomicLong();
    private ScheduledExecutorService sampler;

    @BeforeEach
    void sample() {
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
    void clientToUpstreamStallsWhileTheUpstreamDoesNotRead() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CompletableFuture<Long> received = new CompletableFuture<>();
        RawBackend upstream = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, SWITCH);
            waitFor(gate);
            received.complete(drain(s.getInputStream()));
        }));
        gw.publish(table(route("h", "/", backend("bulk", List.of(upstream.endpoint())))));
        AtomicLong sent = new AtomicLong();
        try (Socket client = new Socket("127.0.0.1", gw.port())) {
            client.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(RawBackend.readHead(client.getInputStream())).startsWith("HTTP/1.1 101");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> pump(client, sent));
            await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() > 0);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> sent.get() < STALL_BOUND);
            gate.countDown();
            writer.get(60, TimeUnit.SECONDS);
            client.shutdownOutput();
            assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(SIZE);
        }
        assertThat(peakAllocated.get()).isLessThan(MEMORY_BOUND);
    }

    @Test
    void upstreamToClientStallsWhileTheClientDoesNotRead() throws Exception {
        AtomicLong sent = new AtomicLong();
        RawBackend upstream = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, SWITCH);
            pump(s, sent);
            s.shutdownOutput();
            s.getInputStream().read();
        }));
        gw.publish(table(route("h", "/", backend("bulk", List.of(upstream.endpoint())))));
        try (Socket client = new Socket("127.0.0.1", gw.port())) {
            client.setSoTimeout(60_000);
            client.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = client.getInputStream();
            assertThat(RawBackend.readHead(in)).startsWith("HTTP/1.1 101");
            long read = in.readNBytes(1024 * 1024).length;
            long readSoFar = read;
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> sent.get() < readSoFar + STALL_BOUND);
            assertThat(read + drain(in)).isEqualTo(SIZE);
        }
        assertThat(peakAllocated.get()).isLessThan(MEMORY_BOUND);
    }

    /** Writes SIZE bytes of the download pattern in 64 KiB pieces, counting them. */
    private static void pump(Socket s, AtomicLong sent) {
        byte[] buf = new byte[64 * 1024];
        try {
            OutputStream out = s.getOutputStream();
            for (long offset = 0; offset < SIZE; offset += buf.length) {
                for (int j = 0; j < buf.length; j++) {
                    buf[j] = TestBackend.pattern(offset + j);
                }
                out.write(buf);
                sent.addAndGet(buf.length);
            }
            out.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads to the end, checking the pattern; returns the count. */
    private static long drain(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[64 * 1024];
        long offset = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            for (int j = 0; j < n; j++) {
                if (buf[j] != TestBackend.pattern(offset + j)) {
                    throw new AssertionError("byte " + (offset + j) + " differs");
                }
            }
            offset += n;
        }
        return offset;
    }

    private static void waitFor(CountDownLatch gate) {
        try {
            gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
