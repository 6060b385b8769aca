package dev.linnet.gateway.upstream;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The race every keep-alive proxy meets: the upstream closes an idle connection just as the next
 * request goes out on it. The backend here is scripted to do exactly that on its first
 * connection: answer one request, read the second, close without answering.
 */
class StaleConnectionRetryTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @Test
    void idempotentRequestOnADeadPooledConnectionIsRetriedOnAFreshOne() throws Exception {
        try (ScriptedBackend backend = gw.closeLater(new ScriptedBackend())) {
            gw.publish(table(route("h", "/", backend("s", List.of(backend.endpoint())))));
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("conn1");
                RawHttp.Response second = raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read();
                assertThat(second.status()).isEqualTo(200);
                assertThat(second.body()).isEqualTo("conn2");
            }
        }
    }

    @Test
    void nonIdempotentRequestIsNeverSentTwice() throws Exception {
        try (ScriptedBackend backend = gw.closeLater(new ScriptedBackend())) {
            gw.publish(table(route("h", "/", backend("s", List.of(backend.endpoint())))));
            try (RawHttp raw = new RawHttp(gw.port())) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("conn1");
                RawHttp.Response second = raw.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").read();
                assertThat(second.status()).isEqualTo(502);
            }
            assertThat(backend.requests.get()).as("the POST reached only the dead connection").isEqualTo(2);
        }
    }

    /** Connection 1: answers one request, swallows the next and closes. Later connections answer. */
    static final class ScriptedBackend implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;
        final AtomicInteger requests = new AtomicInteger();

        ScriptedBackend() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(this::run, "scripted-backend");
            thread.setDaemon(true);
            thread.start();
        }

        Endpoint endpoint() {
            return new Endpoint("127.0.0.1", server.getLocalPort());
        }

        private void run() {
            try {
                int n = 0;
                while (true) {
                    Socket s = server.accept();
                    n++;
                    InputStream in = s.getInputStream();
                    readHead(in);
                    answer(s, "conn" + n);
                    if (n == 1) {
                        readHead(in);
                        s.close();
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }

        private void readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("eof");
                }
                head.write(c);
            }
            requests.incrementAndGet();
        }

        private static void answer(Socket s, String body) throws IOException {
            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
