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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request header names nginx ignores ({@code underscores_in_headers off}, {@code ignore_invalid_headers
 * on}: ingress-nginx's defaults) never reach the pod, over HTTP/1.1 and HTTP/2 (issue 14, item 2).
 */
class HeaderNamesTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private static final String SPOOFING = "X_Real_IP: 6.6.6.6\r\nX-Forwarded_For: 6.6.6.6\r\n"
            + "Content_Length: 5\r\nTransfer_Encoding: chunked\r\nX.Dotted: 1\r\nX_Custom: 1\r\nX-Kept: yes\r\n";

    @Test
    void namesWithUnderscoresOrOtherSymbolsAreDroppedNotRefused() throws IOException {
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            // nginx ignores the lines (no 400) and frames by what is left: no body here.
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n" + SPOOFING + "\r\n").read().status()).isEqualTo(200);
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
        }
        TestBackend.Seen seen = up.seen().get(0);
        assertThat(seen.headers().keySet()).noneMatch(name -> name.contains("_") || name.contains("."));
        assertThat(seen.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.header("X-Kept")).isEqualTo("yes");
    }

    @Test
    void enableUnderscoresInHeadersPassesThemOn() throws IOException {
        gw.configure(c -> c.toBuilder().underscoresInHeaders(true).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\nX_Custom: 1\r\nX.Dotted: 1\r\n\r\n").read().status())
                    .isEqualTo(200);
        }
        assertThat(up.last().header("X_Custom")).isEqualTo("1");
        assertThat(up.last().header("X.Dotted")).as("still not a name nginx accepts").isNull();
    }

    @Test
    void sslClientNamesAreTheGatewaysOwnAndDroppedFromClientsInAnySpelling() throws IOException {
        gw.configure(c -> c.toBuilder().underscoresInHeaders(true).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\nSSL-Client-Verify: SUCCESS\r\n"
                    + "ssl_client_subject_dn: CN=admin\r\nssl-client-cert: x\r\nssl-clients: kept\r\n"
                    + "x-ssl-client-verify: kept\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(up.last().headers().keySet()).noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-').startsWith("ssl-client-"));
        assertThat(up.last().header("ssl-clients")).isEqualTo("kept");
        assertThat(up.last().header("x-ssl-client-verify")).isEqualTo("kept");
        assertThat(HeaderNames.isSslClient("ssl-client-")).as("the prefix alone names nothing").isFalse();
    }

    @Test
    void http2FieldsGetTheSameTreatment() {
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        H2Client client = gw.closeLater(H2Client.connect(gw.port()));
        H2Client.Response r = client.send(headers("GET", "h", "/").add("x_real_ip", "6.6.6.6")
                .add("x-forwarded_for", "6.6.6.6").add("x-kept", "yes"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(up.last().headers().keySet()).noneMatch(name -> name.contains("_"));
        assertThat(up.last().header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(up.last().header("X-Kept")).isEqualTo("yes");
    }
}
