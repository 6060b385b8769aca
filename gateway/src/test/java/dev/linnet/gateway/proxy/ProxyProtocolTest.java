package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.route.SourceRanges;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawH2Client;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TlsClient;
import io.netty.handler.codec.http2.Http2FrameTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code use-proxy-protocol} on both listeners, PROXY headers written by hand on raw sockets
 * (annotations-spec.md §4.2, §4.3; catalogue A6–A10, X15, X16).
 */
class ProxyProtocolTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private static final String GET = "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private TestBackend start(UnaryOperator<ClientTrust.Builder> trust) {
        gw.configure(c -> c.toBuilder().httpsPort(0)
                .clientTrust(trust.apply(ClientTrust.DEFAULT.toBuilder().useProxyProtocol(true)).build()).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        return up;
    }

    private RawHttp.Response send(String proxyLine, String request) throws IOException {
        try (RawHttp raw = new RawHttp(gw.port())) {
            return raw.send(proxyLine + request).read();
        }
    }

    @Test
    void a6_proxyV1_addressAndDestinationPort() throws IOException {
        TestBackend up = start(t -> t);
        assertThat(send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 1234\r\n", GET).status()).isEqualTo(200);
        TestBackend.Seen seen = up.last();
        assertThat(seen.headers().get("X-Forwarded-Port")).containsExactly("1234");
        assertThat(seen.headers().get("X-Forwarded-Proto")).containsExactly("http");
        assertThat(seen.headers().get("X-Forwarded-For")).containsExactly("192.168.0.1");
        assertThat(seen.header("X-Real-IP")).isEqualTo("192.168.0.1");
    }

    @Test
    void a7_destinationPort443MeansHttps() throws IOException {
        TestBackend up = start(t -> t);
        send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", GET);
        assertThat(up.last().headers().get("X-Forwarded-Port")).containsExactly("443");
        assertThat(up.last().headers().get("X-Forwarded-Proto")).containsExactly("https");
        assertThat(up.last().headers().get("X-Scheme")).containsExactly("https");
    }

    @Test
    void a8_proxyHeaderBeforeTheClientHello() throws IOException {
        TestBackend up = start(t -> t);
        int port = gw.gateway().httpsPort();
        Socket plain = new Socket("127.0.0.1", port);
        plain.getOutputStream().write("PROXY TCP4 192.168.0.1 192.168.0.11 56324 1234\r\n".getBytes(StandardCharsets.US_ASCII));
        try (TlsClient.Connection tls = TlsClient.over(plain, port, "h")) {
            assertThat(tls.get("h", "/", true).status()).isEqualTo(200);
        }
        TestBackend.Seen seen = up.last();
        assertThat(seen.headers().get("X-Forwarded-Port")).containsExactly("1234");
        assertThat(seen.headers().get("X-Forwarded-Proto")).containsExactly("https");
        assertThat(seen.headers().get("X-Scheme")).containsExactly("https");
        assertThat(seen.headers().get("X-Forwarded-For")).containsExactly("192.168.0.1");
    }

    @Test
    void a9_notTrustedCaseIsTheForwardedAddressExactly() throws IOException {
        TestBackend up = start(t -> t.useForwardedHeaders(true));
        send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 1234\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 192.168.0.111\r\nConnection: close\r\n\r\n");
        assertThat(up.last().headers().get("X-Forwarded-For")).as("the default CIDR trusts the PROXY source")
                .containsExactly("192.168.0.111");
    }

    @Test
    void a10_trustedCidrs() throws IOException {
        TestBackend up = start(t -> t.useForwardedHeaders(true)
                .trustedPeers(SourceRanges.of(List.of("10.0.0.0/8", "192.168.0.1/32", "127.0.0.1/32"))));
        String withXff = "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 192.168.0.111\r\nConnection: close\r\n\r\n";
        send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 1234\r\n", withXff);
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("192.168.0.111");
        send("PROXY TCP4 192.168.0.2 192.168.0.11 56324 1234\r\n", withXff);
        assertThat(up.last().headers().get("X-Forwarded-For")).as("a PROXY source outside the list is the client")
                .containsExactly("192.168.0.2");
    }

    @Test
    void aBalancerOutsideTheTrustedCidrsIsNotBelieved() throws IOException {
        TestBackend up = start(t -> t.trustedPeers(SourceRanges.of(List.of("10.0.0.0/8"))));
        send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 1234\r\n", GET);
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("127.0.0.1");
    }

    @Test
    void x15_withoutForwardedForThePROXYSourceNotTheBalancer() throws IOException {
        TestBackend up = start(t -> t.useForwardedHeaders(true));
        send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 80\r\n", GET);
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("192.168.0.1");
    }

    @Test
    void x16_aClientsForwardedForProxyProtocolHeaderIsNeverRead() throws IOException {
        TestBackend up = start(t -> t.useForwardedHeaders(true));
        send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 80\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For-Proxy-Protocol: 6.6.6.6\r\nConnection: close\r\n\r\n");
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("192.168.0.1");
    }

    @Test
    void computeFullForwardedForAppendsThePROXYSource() throws IOException {
        TestBackend up = start(t -> t.useForwardedHeaders(true).computeFullForwardedFor(true));
        send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 80\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 1.1.1.1\r\nConnection: close\r\n\r\n");
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("1.1.1.1, 192.168.0.1");
    }

    @Test
    void proxyV1OverIpv6() throws IOException {
        TestBackend up = start(t -> t);
        send("PROXY TCP6 2001:db8::1 2001:db8::2 1000 443\r\n", GET);
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("2001:db8::1");
        assertThat(up.last().headers().get("X-Forwarded-Proto")).containsExactly("https");
    }

    @Test
    void proxyV2WithATlvAndKeepAlive() throws IOException {
        TestBackend up = start(t -> t);
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send(v2(true, "192.168.0.1", "192.168.0.11", 56324, 8443));
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(up.seen()).hasSize(2).allSatisfy(seen -> {
            assertThat(seen.headers().get("X-Forwarded-For")).containsExactly("192.168.0.1");
            assertThat(seen.headers().get("X-Forwarded-Port")).containsExactly("8443");
        });
    }

    @Test
    void http2StreamsTakeTheirConnectionsProxyHeader() {
        TestBackend up = start(t -> t);
        try (RawH2Client h2 = RawH2Client.connect(gw.port())) {
            h2.raw("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n".getBytes(StandardCharsets.US_ASCII)).preface()
                    .headers(1, H2Client.headers("GET", "h", "/"), true).await(Http2FrameTypes.HEADERS);
            h2.headers(3, H2Client.headers("GET", "h", "/"), true).await(Http2FrameTypes.HEADERS);
        }
        assertThat(up.seen()).hasSize(2).allSatisfy(seen -> {
            assertThat(seen.headers().get("X-Forwarded-For")).containsExactly("192.168.0.1");
            assertThat(seen.headers().get("X-Forwarded-Proto")).containsExactly("https");
        });
    }

    @Test
    void proxyV2LocalIsTheBalancersOwnConnection() throws IOException {
        TestBackend up = start(t -> t);
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send(v2(false, null, null, 0, 0));
            assertThat(raw.send(GET).read().status()).isEqualTo(200);
        }
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(up.last().headers().get("X-Forwarded-Port")).containsExactly("80");
    }

    @Test
    void withoutAHeaderTheConnectionIsClosedWithoutAnAnswer() throws IOException {
        TestBackend up = start(t -> t);
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send(GET).readAll()).isEmpty();
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("PROXY TCP4 not-an-address 192.168.0.11 1 2\r\n" + GET).readAll()).isEmpty();
        }
        assertThat(up.seen()).isEmpty();
    }

    @Test
    void withoutAHeaderTheTlsListenerClosesBeforeAnyHandshake() {
        start(t -> t);
        assertThatThrownBy(() -> TlsClient.connect(gw.gateway().httpsPort(), "h")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSilentConnectionIsClosedAfterTheHeaderTimeout() throws IOException {
        start(t -> t.proxyProtocolTimeout(Duration.ofMillis(200)));
        try (RawHttp raw = new RawHttp(gw.port())) {
            long begin = System.nanoTime();
            assertThat(raw.send("PROX").readAll()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void connectionsAcceptedWhileOffNeedNoHeader() throws IOException {
        gw.configure(c -> c.toBuilder().clientTrust(ClientTrust.DEFAULT).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        assertThat(send("", GET).status()).isEqualTo(200);
    }

    /** A v2 header: PROXY over TCP/IPv4 with one NOOP TLV, or LOCAL without addresses. */
    private static byte[] v2(boolean proxy, String source, String destination, int sourcePort, int destinationPort)
            throws IOException {
        if (!proxy) {
            return ByteBuffer.allocate(16).put(V2_SIGNATURE).put((byte) 0x20).put((byte) 0x00).putShort((short) 0)
                    .array();
        }
        ByteBuffer b = ByteBuffer.allocate(16 + 12 + 5);
        b.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) (12 + 5));
        b.put(InetAddress.getByName(source).getAddress()).put(InetAddress.getByName(destination).getAddress());
        b.putShort((short) sourcePort).putShort((short) destinationPort);
        b.put((byte) 0x04).putShort((short) 2).put((byte) 'h').put((byte) 'i'); // PP2_TYPE_NOOP
        return b.array();
    }
}
