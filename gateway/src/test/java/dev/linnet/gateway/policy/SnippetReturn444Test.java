package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.LogLines;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import io.netty.handler.codec.http2.Http2Error;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A snippet's {@code return 444} through the real gateway: nginx's NGX_HTTP_CLOSE sends nothing,
 * closes the HTTP/1.1 connection (an HTTP/2 stream: RST_STREAM INTERNAL_ERROR, the connection
 * stays), and its access log shows status 444 with no body bytes.
 */
class SnippetReturn444Test {

    private static final String HOST = "close.test";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final LogLines lines = new LogLines();
    private final TestBackend app = gw.backend("app");

    @BeforeEach
    void publish() {
        gw.accessLog(AccessLog.create(lines, 1024));
        SnippetRewrite close = new SnippetRewrite(Step.SNIPPET_REWRITE, List.of(new SnippetRewrite.Return(444, null)));
        gw.publish(table(route(HOST, "/", backend("app", app)),
                withPolicies(route(HOST, "/closed", backend("app", app)), close)));
    }

    @Test
    void http11GetsEndOfStreamWithoutAByteAndIsLoggedAs444() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gw.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /closed HTTP/1.1\r\nHost: close.test\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("end of stream, no byte before it").isEqualTo(-1);
        }
        assertThat(lines.single()).contains("\"GET /closed HTTP/1.1\" 444 0 ");
        assertThat(app.seen()).isEmpty();
        assertThat(gw.get(HOST, "/").statusCode()).as("the next connection is served").isEqualTo(200);
    }

    @Test
    void aKeptAliveConnectionClosesAfterItsEarlierAnswer() throws Exception {
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: close.test\r\n\r\n").read().status()).isEqualTo(200);
            raw.send("GET /closed HTTP/1.1\r\nHost: close.test\r\n\r\n");
            assertThat(raw.readAll()).isEmpty();
        }
        assertThat(lines.await(2).get(1)).contains("\"GET /closed HTTP/1.1\" 444 0 ");
    }

    @Test
    void http2ResetsTheStreamWithInternalErrorAndKeepsTheConnection() {
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        assertThatThrownBy(() -> h2.send(H2Client.headers("GET", HOST, "/closed")))
                .hasStackTraceContaining("stream reset: " + Http2Error.INTERNAL_ERROR.code());
        assertThat(h2.resets()).containsExactly("3:" + Http2Error.INTERNAL_ERROR.code());
        assertThat(h2.send(H2Client.headers("GET", HOST, "/")).status()).as("same connection").isEqualTo(200);
        assertThat(lines.await(2).get(0)).contains("\"GET /closed HTTP/2.0\" 444 0 ");
        assertThat(app.seen()).hasSize(1);
    }
}
