package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.GatewayExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slowloris: a client that sends its request head one byte at a time, each byte well within any
 * per-byte timeout, is cut when the header timeout (counted from its first byte) runs out, and
 * meanwhile costs nothing to anyone else.
 */
class SlowClientsTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final long BYTE_GAP_MILLIS = 100; // a tenth of the header timeout

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension()
            .configure(c -> c.toBuilder().clientHeaderTimeout(HEADER_TIMEOUT).build());

    @BeforeEach
    void publish() {
        gw.publish(table(route("h.example.com", "/", backend("up", gw.backend("up")))));
    }

    @Test
    void aTricklingHeadIsCutAtTheHeaderTimeoutWhileAnotherClientIsServed() throws Exception {
        // 30+ bytes at 100 ms each: 3 s or more, three times the header timeout.
        byte[] head = ("GET / HTTP/1.1\r\nHost: h.example.com\r\nX-Slow: " + "s".repeat(20) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (Trickler slow = new Trickler(gw.port(), head)) {
            slow.start();
            while (!slow.closed.get() && slow.sent.get() < head.length) {
                assertThat(gw.get("h.example.com", "/").statusCode()).as("a well-behaved client").isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(20)).untilTrue(slow.closed);
            assertThat(slow.sent.get())
                    .as("cut before the head was complete: the clock is not reset by each byte")
                    .isLessThan(head.length);
            assertThat(slow.answer).as("nginx closes without an answer").isEmpty();
        }
        assertThat(gw.get("h.example.com", "/").statusCode()).isEqualTo(200);
    }

    /** Sends a head one byte per gap on one thread; another notices the close. */
    private static final class Trickler implements AutoCloseable {
        final Socket socket;
        final byte[] head;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        volatile String answer = "";
        private final Thread writer;
        private final Thread reader;

        Trickler(int port, byte[] head) throws IOException {
            this.socket = new Socket("127.0.0.1", port);
            this.head = head;
            this.writer = new Thread(this::write, "slowloris-writer");
            this.reader = new Thread(this::read, "slowloris-reader");
        }

        void start() {
            reader.start();
            writer.start();
        }

        private void write() {
            try {
                OutputStream out = socket.getOutputStream();
                for (byte b : head) {
                    if (closed.get()) {
                        return;
                    }
                    out.write(b);
                    out.flush();
                    sent.incrementAndGet();
                    Thread.sleep(BYTE_GAP_MILLIS); // the attack's pace, not a synchronisation
                }
            } catch (IOException | InterruptedException e) {
                // the gateway closed the connection under us
            }
        }

        private void read() {
            StringBuilder got = new StringBuilder();
            try {
                InputStream in = socket.getInputStream();
                for (int c; (c = in.read()) >= 0; ) {
                    got.append((char) c);
                }
            } catch (IOException e) {
                // a reset is a close too
            }
            answer = got.toString();
            closed.set(true);
        }

        @Override
        public void close() throws Exception {
            socket.close();
            writer.join(5000);
            reader.join(5000);
        }
    }
}
