package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.testing.GatewayExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upstream that never completes the TCP handshake gets 504 after the connect timeout.
 *
 * <p>Loopback never loses a SYN, so the test makes one: a listener with a backlog of one that
 * never accepts. Once its accept queue is full, Linux drops further SYNs
 * ({@code tcp_conn_request}: listen overflow), and a connect hangs until the client gives up,
 * exactly like an unreachable pod IP.
 */
class ConnectTimeoutTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension()
            .configure(c -> c.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5)).withMaxTries(1));

    private final List<Socket> fillers = new ArrayList<>();
    private ServerSocket blackHole;

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        if (blackHole != null) {
            blackHole.close();
        }
    }

    /** A listener whose accept queue is full, so new connects hang; its port. */
    private int fullListener() throws IOException {
        blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), blackHole.getLocalPort());
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(address, 200);
            } catch (SocketTimeoutException full) {
                return blackHole.getLocalPort();
            }
        }
        throw new IllegalStateException("the accept queue never filled; cannot simulate a lost SYN here");
    }

    @Test
    void upstreamThatNeverAnswersTheHandshakeGets504() throws IOException {
        int port = fullListener();
        gw.publish(table(route("h", "/", backend("silent", List.of(new Endpoint("127.0.0.1", port))))));
        assertThat(gw.get("h", "/").statusCode()).isEqualTo(504);
    }
}
