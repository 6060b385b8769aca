package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.WebSocketBackend;
import dev.linnet.gateway.testing.WsClient;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WebSockets through the real gateway: the JDK's client in front, Netty's own WebSocket server
 * behind, real sockets on loopback.
 */
class WebSocketTest {

    private static final String HOST = "ws.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private WebSocketBackend wsBackend(String name) {
        return gw.closeLater(WebSocketBackend.start(name));
    }

    private static Backend backendOf(String service, WebSocketBackend server) {
        return backend(service, List.of(server.endpoint()));
    }

    private WsClient connect(String... headers) {
        return gw.closeLater(new WsClient(gw.port(), HOST, "/chat", headers));
    }

    @Test
    void echoesManyMessagesBothWaysAndALargeOne() {
        WebSocketBackend echo = wsBackend("echo");
        gw.publish(table(route(HOST, "/", backendOf("echo", echo))));
        WsClient ws = connect();
        for (int i = 0; i < 200; i++) {
            ws.send("message " + i);
        }
        for (int i = 0; i < 200; i++) {
            assertThat(ws.next()).isEqualTo("message " + i);
        }
        byte[] large = new byte[8 * 1024 * 1024];
        new Random(5).nextBytes(large);
        ws.send(large).send("after");
        assertThat((byte[]) ws.next()).isEqualTo(large);
        assertThat(ws.next()).isEqualTo("after");

        // The pod saw ingress-nginx's upgrade headers and the usual forwarded ones.
        HttpHeaders seen = echo.handshakes().get(0);
        assertThat(seen.get("upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(seen.get("connection")).isEqualToIgnoringCase("upgrade");
        assertThat(seen.get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(seen.get("host")).isEqualTo(HOST);
        assertThat(seen.get("sec-websocket-key")).isNotBlank();
    }

    @Test
    void tableSwapKeepsTheTunnelAndNewConnectionsFollowTheNewTable() {
        WebSocketBackend blue = wsBackend("blue");
        WebSocketBackend green = wsBackend("green");
        gw.publish(table(route(HOST, "/", backendOf("blue", blue))));
        WsClient before = connect();
        assertThat(before.send("name").next()).isEqualTo("blue");

        gw.publish(table(route(HOST, "/", backendOf("green", green))));
        assertThat(before.send("name").next()).as("established tunnel").isEqualTo("blue");
        assertThat(before.send("still here").next()).isEqualTo("still here");
        assertThat(before.ended()).isNotDone();

        WsClient after = connect();
        assertThat(after.send("name").next()).as("new connection").isEqualTo("green");
        assertThat(before.send("name").next()).isEqualTo("blue");
    }

    @Test
    void canaryHeaderSplitsTheUpgradeRequest() {
        WebSocketBackend stable = wsBackend("stable");
        WebSocketBackend canaryServer = wsBackend("canary");
        gw.publish(table(route(HOST, "/", backendOf("stable", stable))
                .withCanary(canary(backendOf("canary", canaryServer)).header("X-Canary").build())));
        assertThat(connect("X-Canary", "always").send("name").next()).isEqualTo("canary");
        assertThat(connect("X-Canary", "never").send("name").next()).isEqualTo("stable");
        assertThat(connect().send("name").next()).isEqualTo("stable");
    }

    @Test
    void idleTunnelClosesAfterTheRoutesReadTimeout() throws Exception {
        WebSocketBackend echo = wsBackend("echo");
        RouteOptions options = new RouteOptions(BackendProtocol.HTTP, null, Duration.ofMillis(300), null, -1, -1);
        Route r = route(HOST, "/", backendOf("echo", echo));
        gw.publish(table(new Route(r.namespace(), r.ingress(), r.host(), r.match(), r.backend(), null, options)));
        WsClient ws = connect();
        assertThat(ws.send("hello").next()).isEqualTo("hello");
        // The gateway's listener read timeout is 10 s (GatewayExtension): only the route's 300 ms ends it here.
        assertThat(ws.ended().get(8, TimeUnit.SECONDS)).isEqualTo("close 1006"); // abnormal: no close frame
        await().atMost(Duration.ofSeconds(10)).until(() -> echo.openConnections() == 0);
    }

    @Test
    void upstreamClosingTheTunnelClosesTheClient() throws Exception {
        WebSocketBackend echo = wsBackend("echo");
        gw.publish(table(route(HOST, "/", backendOf("echo", echo))));
        WsClient ws = connect();
        assertThat(ws.send("hello").next()).isEqualTo("hello");
        ws.send("drop");
        assertThat(ws.ended().get(10, TimeUnit.SECONDS)).isEqualTo("close 1006"); // the cut, passed on
    }

    @Test
    void clientClosingTheTunnelClosesTheUpstream() {
        WebSocketBackend echo = wsBackend("echo");
        gw.publish(table(route(HOST, "/", backendOf("echo", echo))));
        WsClient ws = connect();
        assertThat(ws.send("hello").next()).isEqualTo("hello");
        assertThat(echo.openConnections()).isEqualTo(1);
        ws.abort();
        await().atMost(Duration.ofSeconds(10)).until(() -> echo.openConnections() == 0);
    }

    @Test
    void aTunnelIsOneRequestWithStatus101RecordedWhenItEnds() {
        WebSocketBackend echo = wsBackend("echo");
        RouteTable t = table(route(HOST, "/", backendOf("echo", echo)));
        gw.publish(t);
        gw.metrics().tablePublished(t);
        WsClient ws = connect();
        assertThat(ws.send("hello").next()).isEqualTo("hello");
        assertThat(requests("101")).as("still open").isZero();
        ws.abort();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("101") == 1);
        assertThat(gw.get(HOST, "/plain").statusCode()).isEqualTo(400); // not a WebSocket request
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("400") == 1);
        assertThat(requests("101")).isEqualTo(1);
    }

    /** nginx_ingress_controller_requests with {@code status}, summed (the registry's own text adds _total). */
    private double requests(String status) {
        String text = gw.metrics().registry().scrape();
        Matcher m = Pattern.compile("(?m)^nginx_ingress_controller_requests(?:_total)?\\{([^}]*)\\} (\\S+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains("status=\"" + status + "\"")) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
