package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * nginx names itself on every answer and never passes the upstream's {@code Server} on;
 * ingress-nginx's {@code server-tokens: false} leaves the version out (issue 14, item 10).
 */
class ServerHeaderTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @BeforeEach
    void publish() {
        TestBackend up = gw.backend("up");
        up.respondWithHeaders(Map.of("Server", "Backend/1.2.3"));
        gw.publish(table(route("h", "/", backend("up", up)), route("none", "/", backend("none", List.of()))));
    }

    @Test
    void everyHttp1AnswerSaysLinnetNeverTheBackendsName() throws IOException {
        String[][] cases = {
            {"200", "GET / HTTP/1.1\r\nHost: h\r\n\r\n"},
            {"404", "GET / HTTP/1.1\r\nHost: unknown\r\n\r\n"},
            {"503", "GET / HTTP/1.1\r\nHost: none\r\n\r\n"},
            {"400", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"},
            {"400", "GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n"},
        };
        for (String[] c : cases) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response r = raw.send(c[1]).read();
                assertThat(r.status()).as(c[1]).isEqualTo(Integer.parseInt(c[0]));
                assertThat(r.header("server")).as(c[1]).isEqualTo("linnet");
            }
        }
    }

    @Test
    void everyHttp2AnswerSaysLinnetNeverTheBackendsName() {
        H2Client client = gw.closeLater(H2Client.connect(gw.port()));
        H2Client.Response proxied = client.send(headers("GET", "h", "/"));
        assertThat(proxied.status()).isEqualTo(200);
        assertThat(proxied.headers().getAll("server")).extracting(CharSequence::toString).containsExactly("linnet");
        H2Client.Response local = client.send(headers("GET", "unknown", "/"));
        assertThat(local.status()).isEqualTo(404);
        assertThat(local.headers().getAll("server")).extracting(CharSequence::toString).containsExactly("linnet");
    }
}
