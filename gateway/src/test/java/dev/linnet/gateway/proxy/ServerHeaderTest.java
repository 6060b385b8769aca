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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code server-tokens} (annotations-spec.md §10, catalogue S14, S15): ingress-nginx's default
 * {@code false} renders {@code more_clear_headers Server}, so no answer carries a {@code Server}
 * header, not even the backend's; {@code true} names the proxy on every answer, and the backend's
 * own only with {@code allow-backend-server-header} ({@code proxy_pass_header Server}).
 */
class ServerHeaderTest {

    private static final String[][] HTTP1_CASES = {
        {"200", "GET / HTTP/1.1\r\nHost: h\r\n\r\n"},
        {"404", "GET / HTTP/1.1\r\nHost: unknown\r\n\r\n"},
        {"503", "GET / HTTP/1.1\r\nHost: none\r\n\r\n"},
        {"400", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"},
        {"400", "GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n"},
    };

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private void publish() {
        TestBackend up = gw.backend("up");
        up.respondWithHeaders(Map.of("Server", "Backend/1.2.3"));
        gw.publish(table(route("h", "/", backend("up", up)), route("none", "/", backend("none", List.of()))));
    }

    private void serverTokens(String server, boolean backendServer) {
        gw.configure(c -> c.toBuilder().responseHeaders(new ResponseHeaders(ResponseHeaders.DEFAULT.hsts(), server,
                backendServer, List.of())).build());
    }

    private List<String> serverHeaders(String request) throws IOException {
        try (RawHttp raw = new RawHttp(gw.port())) {
            RawHttp.Response r = raw.send(request).read();
            return r.header("server") == null ? List.of() : List.of(r.header("server"));
        }
    }

    @Test
    void s14_byDefaultNoAnswerCarriesAServerHeaderNotEvenTheBackends() throws IOException {
        publish();
        for (String[] c : HTTP1_CASES) {
            try (RawHttp raw = new RawHttp(gw.port())) {
                RawHttp.Response r = raw.send(c[1]).read();
                assertThat(r.status()).as(c[1]).isEqualTo(Integer.parseInt(c[0]));
                assertThat(r.header("server")).as(c[1]).isNull();
            }
        }
    }

    @Test
    void s15_serverTokensNameTheProxyOnEveryAnswerNeverTheBackend() throws IOException {
        serverTokens("linnet/1.0", false);
        publish();
        for (String[] c : HTTP1_CASES) {
            assertThat(serverHeaders(c[1])).as(c[1]).containsExactly("linnet/1.0");
        }
    }

    @Test
    void allowBackendServerHeaderPassesTheBackendsOwnOnProxiedAnswersOnly() throws IOException {
        serverTokens("linnet/1.0", true);
        publish();
        assertThat(serverHeaders(HTTP1_CASES[0][1])).containsExactly("Backend/1.2.3");
        assertThat(serverHeaders(HTTP1_CASES[1][1])).as("a local 404").containsExactly("linnet/1.0");
    }

    @Test
    void http2AnswersFollowServerTokensToo() {
        publish();
        H2Client client = gw.closeLater(H2Client.connect(gw.port()));
        H2Client.Response proxied = client.send(headers("GET", "h", "/"));
        assertThat(proxied.status()).isEqualTo(200);
        assertThat(proxied.headers().getAll("server")).isEmpty();
        H2Client.Response local = client.send(headers("GET", "unknown", "/"));
        assertThat(local.status()).isEqualTo(404);
        assertThat(local.headers().getAll("server")).isEmpty();
    }

    @Test
    void http2AnswersNameTheProxyWithServerTokens() {
        serverTokens("linnet/1.0", false);
        publish();
        H2Client client = gw.closeLater(H2Client.connect(gw.port()));
        assertThat(client.send(headers("GET", "h", "/")).headers().getAll("server"))
                .extracting(CharSequence::toString).containsExactly("linnet/1.0");
        assertThat(client.send(headers("GET", "unknown", "/")).headers().getAll("server"))
                .extracting(CharSequence::toString).containsExactly("linnet/1.0");
    }
}
