package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/1.1 upgrades byte by byte, with a scripted upstream: what the pod is sent, what a 101
 * turns the connections into, and every answer that is not a switch.
 */
class UpgradeTest {

    private static final String UPGRADE_REQUEST = "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: demo/1\r\n"
            + "Connection: keep-alive, Upgrade\r\n\r\n";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final List<String> heads = new CopyOnWriteArrayList<>();

    private void upstream(RawBackend.Script script) throws IOException {
        RawBackend b = gw.closeLater(new RawBackend(script));
        gw.publish(table(route("h", "/", backend("svc", List.of(b.endpoint())))));
    }

    private String head(InputStream in) throws IOException {
        String head = RawBackend.readHead(in);
        heads.add(head.toLowerCase(Locale.ROOT));
        return head;
    }

    @Test
    void switchForwardsTheHeadersAndKeepsTheBytesBehindThe101() throws Exception {
        upstream((s, i) -> {
            head(s.getInputStream());
            // The 101 and the new protocol's first bytes in one segment: one gateway read.
            RawBackend.write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: demo/1\r\nConnection: Upgrade\r\n\r\nhello");
            String ping = new String(s.getInputStream().readNBytes(4), StandardCharsets.ISO_8859_1);
            RawBackend.write(s, ping.equals("ping") ? "pong" : "what?");
        });
        try (RawHttp client = new RawHttp(gw.port())) {
            RawHttp.Response switched = client.send(UPGRADE_REQUEST).readHeadOnly();
            assertThat(switched.status()).isEqualTo(101);
            assertThat(switched.header("upgrade")).isEqualTo("demo/1");
            assertThat(switched.header("connection")).isEqualToIgnoringCase("upgrade");
            assertThat(client.readBytes(5)).isEqualTo("hello");
            assertThat(client.send("ping").readBytes(4)).isEqualTo("pong");
            // The upstream's script ends: it closes, and so must the client's connection.
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(heads.get(0)).contains("\r\nupgrade: demo/1\r\n", "\r\nconnection: upgrade\r\n",
                "\r\nx-forwarded-for: 127.0.0.1\r\n").doesNotContain("keep-alive");
    }

    @Test
    void clientBytesSentWithTheFirstTunnelReadReachTheUpstream() throws Exception {
        upstream((s, i) -> {
            head(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: demo/1\r\nConnection: Upgrade\r\n\r\n");
            String got = new String(s.getInputStream().readNBytes(10), StandardCharsets.ISO_8859_1);
            RawBackend.write(s, "got " + got);
        });
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send(UPGRADE_REQUEST).readHeadOnly().status()).isEqualTo(101);
            client.send("0123").send("456789");
            assertThat(client.readBytes(14)).isEqualTo("got 0123456789");
        }
    }

    @Test
    void upstreamRefusingTheUpgradeIsAnOrdinaryResponseOnAKeptConnection() throws Exception {
        upstream((s, i) -> {
            head(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno");
            head(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            s.getInputStream().read(); // until the gateway closes
        });
        try (RawHttp client = new RawHttp(gw.port())) {
            RawHttp.Response refused = client.send(UPGRADE_REQUEST).read();
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).isEqualTo("no");
            assertThat(refused.header("upgrade")).isNull();
            RawHttp.Response next = client.send("GET /next HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("ok");
        }
        assertThat(heads).hasSize(2);
        assertThat(heads.get(0)).contains("\r\nupgrade: demo/1\r\n");
        assertThat(heads.get(1)).doesNotContain("upgrade");
    }

    @Test
    void a101NobodyAskedForIsABadGateway() throws Exception {
        upstream((s, i) -> {
            head(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: demo/1\r\nConnection: Upgrade\r\n\r\n");
            s.getInputStream().read();
        });
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(502);
        }
    }

    @Test
    void upgradeWithoutConnectionUpgradeOrForH2cOrOverHttp10IsNotPassedOn() throws Exception {
        upstream((s, i) -> {
            while (true) {
                head(s.getInputStream());
                RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        try (RawHttp client = new RawHttp(gw.port())) {
            // RFC 9110 §7.8: Upgrade counts only when Connection names it, and never in HTTP/1.0.
            assertThat(client.send("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n").read().status())
                    .isEqualTo(200);
            // h2c is about the client's connection to us, not something for the pod.
            assertThat(client.send("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(client.send("GET / HTTP/1.0\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n")
                    .read().status()).isEqualTo(200);
        }
        assertThat(heads).hasSize(3).allSatisfy(h -> assertThat(h).doesNotContain("upgrade").doesNotContain("http2-settings"));
    }
}
