package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code proxy-http-version 1.0} (annotations-spec.md §6, catalogue U5): the request goes
 * upstream as nginx's {@code proxy_http_version 1.0} sends it: an HTTP/1.0 request line, no
 * upstream keep-alive, a body only with its Content-Length, and a close-delimited HTTP/1.0
 * answer relayed whole. The backends are raw sockets recording exactly what arrived.
 */
class UpstreamHttp10Test {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final AtomicInteger connections = new AtomicInteger();
    private final Queue<String> received = new ConcurrentLinkedQueue<>();

    /**
     * A backend that ignores HTTP/1.0's close semantics: it answers every request with a
     * Content-Length and keeps reading the same connection, so only the gateway's choice decides
     * whether a connection carries a second request.
     */
    private RawBackend keepingAlive() throws IOException {
        return gw.closeLater(new RawBackend((s, i) -> {
            connections.incrementAndGet();
            while (true) {
                received.add(readRequest(s.getInputStream()));
                RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        }));
    }

    private static String readRequest(InputStream in) throws IOException {
        String head = RawBackend.readHead(in);
        String lower = head.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("content-length: ");
        int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 16, lower.indexOf('\r', at)));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private void publish(Backend backend, boolean requestBuffering, long maxBodySize) {
        RouteOptions options = new RouteOptions(BackendProtocol.HTTP, null, null, null, maxBodySize, -1, null, null,
                true, requestBuffering).withHttp10(true);
        gw.publish(table(new Route("default", "main", "h", PathMatch.prefix("/"), backend, null, options)));
    }

    @Test
    void u5_theBackendSeesAnHttp10RequestWithIngressNginxsHeaders() throws IOException {
        publish(backend("svc", List.of(keepingAlive().endpoint())), true, -1);
        assertThat(gw.get("h", "/path?q=1").statusCode()).isEqualTo(200);
        String head = received.peek();
        assertThat(head).startsWith("GET /path?q=1 HTTP/1.0\r\n");
        String lower = head.toLowerCase(Locale.ROOT);
        assertThat(lower).contains("\r\nhost: h\r\n", "\r\nx-real-ip: 127.0.0.1\r\n",
                "\r\nx-forwarded-for: 127.0.0.1\r\n", "\r\nx-forwarded-proto: http\r\n");
        // ingress-nginx sets Connection from $connection_upgrade: empty without Upgrade, so none is sent
        assertThat(lower).doesNotContain("connection:", "transfer-encoding");
    }

    @Test
    void eachRequestOpensItsOwnUpstreamConnection() throws IOException {
        publish(backend("svc", List.of(keepingAlive().endpoint())), true, -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send("GET /one HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("ok");
            assertThat(client.send("GET /two HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("ok");
        }
        assertThat(received).hasSize(2);
        assertThat(connections.get()).as("no upstream keep-alive on a 1.0 route").isEqualTo(2);
    }

    /** HTTP/1.0 has no chunked coding: nginx reads the body first even with proxy-request-buffering off. */
    @Test
    void aChunkedBodyArrivesWithContentLengthEvenWithRequestBufferingOff() throws IOException {
        publish(backend("svc", List.of(keepingAlive().endpoint())), false, -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send("PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").read().status()).isEqualTo(200);
        }
        String request = received.peek();
        assertThat(request).startsWith("PUT /up HTTP/1.0\r\n").endsWith("\r\n\r\nhello world");
        assertThat(request.toLowerCase(Locale.ROOT)).contains("content-length: 11").doesNotContain("transfer-encoding");
    }

    /** A body with a Content-Length may stream with request buffering off: its length is known. */
    @Test
    void aBodyWithContentLengthStreamsWhenBufferingIsOff() throws IOException {
        publish(backend("svc", List.of(keepingAlive().endpoint())), false, -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody").read().status())
                    .isEqualTo(200);
        }
        assertThat(received.peek()).startsWith("POST /up HTTP/1.0\r\n").endsWith("\r\n\r\nbody");
    }

    /**
     * A chunked body past the memory buffer goes on into a temporary file, as nginx's does, and
     * reaches the HTTP/1.0 pod whole, behind its Content-Length.
     */
    @Test
    void aChunkedBodyPastTheMemoryBufferArrivesWholeWithItsLength() throws IOException {
        publish(backend("svc", List.of(keepingAlive().endpoint())), false, 0);
        int size = 3 * 64 * 1024;
        String chunk = Integer.toHexString(64 * 1024) + "\r\n" + "x".repeat(64 * 1024) + "\r\n";
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int sent = 0; sent < size; sent += 64 * 1024) {
                client.send(chunk);
            }
            assertThat(client.send("0\r\n\r\n").read().status()).isEqualTo(200);
        }
        String request = received.peek();
        assertThat(request).startsWith("POST /up HTTP/1.0\r\n");
        assertThat(request.toLowerCase(Locale.ROOT)).contains("content-length: " + size)
                .doesNotContain("transfer-encoding");
        assertThat(request).endsWith("\r\n\r\n" + "x".repeat(size));
    }

    /** An HTTP/1.0 answer without length ends with the close; an HTTP/1.1 client gets it chunked and stays. */
    @Test
    void aCloseDelimitedHttp10ResponseIsRelayedWhole() throws IOException {
        RawBackend old = gw.closeLater(new RawBackend((s, i) -> {
            connections.incrementAndGet();
            received.add(readRequest(s.getInputStream()));
            RawBackend.write(s, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + "old school ".repeat(1000));
        }));
        publish(backend("svc", List.of(old.endpoint())), true, -1);
        HttpResponse<String> first = gw.get("h", "/a");
        HttpResponse<String> second = gw.get("h", "/b");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("old school ".repeat(1000));
        assertThat(first.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(connections.get()).isEqualTo(2);
    }

    /**
     * WebSocket on a 1.0 route, as nginx does it: ingress-nginx's template sets {@code Upgrade}
     * and {@code Connection: upgrade} whatever the version, so they go out on the HTTP/1.0
     * request; a compliant server ignores them (RFC 9110 §7.8) and answers plainly, one that
     * answers 101 gets a tunnel, as nginx's proxy module (it does not check the version) would give.
     */
    @Test
    void anUpgradeGoesOutAsHttp10AndA101StillTunnels() throws IOException {
        RawBackend ws = gw.closeLater(new RawBackend((s, i) -> {
            received.add(RawBackend.readHead(s.getInputStream()));
            RawBackend.write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
            byte[] ping = s.getInputStream().readNBytes(4);
            s.getOutputStream().write(ping);
            s.getOutputStream().flush();
        }));
        publish(backend("svc", List.of(ws.endpoint())), true, -1);
        try (RawHttp client = new RawHttp(gw.port())) {
            RawHttp.Response answer = client.send("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").readHeadOnly();
            assertThat(answer.status()).isEqualTo(101);
            assertThat(client.send("ping").readBytes(4)).isEqualTo("ping");
        }
        String head = received.peek();
        assertThat(head).startsWith("GET /ws HTTP/1.0\r\n");
        assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\nupgrade: websocket\r\n", "\r\nconnection: upgrade\r\n");
    }

    /** An HTTP/2 stream's body (DATA frames, no content-length) reaches a 1.0 route whole, with its length. */
    @Test
    void anHttp2ClientReachesA10RouteWithTheBodyLengthFirst() throws IOException {
        publish(backend("svc", List.of(keepingAlive().endpoint())), false, -1);
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        H2Client.Response posted = h2.send(H2Client.headers("POST", "h", "/up"), "hello over h2");
        H2Client.Response got = h2.send(H2Client.headers("GET", "h", "/down"));
        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.text()).isEqualTo("ok");
        assertThat(got.status()).isEqualTo(200);
        List<String> requests = List.copyOf(received);
        assertThat(requests.get(0)).startsWith("POST /up HTTP/1.0\r\n").endsWith("\r\n\r\nhello over h2");
        assertThat(requests.get(0).toLowerCase(Locale.ROOT)).contains("content-length: 13")
                .doesNotContain("transfer-encoding");
        assertThat(requests.get(1)).startsWith("GET /down HTTP/1.0\r\n");
        assertThat(connections.get()).isEqualTo(2);
    }
}
