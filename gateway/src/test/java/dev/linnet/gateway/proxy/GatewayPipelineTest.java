package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client-side pipeline on an EmbeddedChannel: the answers it gives without an upstream. */
class GatewayPipelineTest {

    private MultiThreadIoEventLoopGroup unused;
    private RouteTableHolder routes;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        unused = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        routes = new RouteTableHolder();
        routes.swap(table(route("empty", "/", backend("empty", List.of()))));
        GatewayConfig config = GatewayConfig.defaults().withMaxRequestBodySize(100);
        ProxyContext context = new ProxyContext(config, routes,
                UpstreamPool.create(unused, NioSocketChannel.class, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                GatewayMetrics.create(MetricsOptions.defaults()));
        channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new GatewayInitializer(context));
    }

    @AfterEach
    void tearDown() {
        unused.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private String exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void unknownHostIs404AndTheConnectionStays() {
        String response = exchange("GET / HTTP/1.1\r\nHost: nowhere\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 Not Found").contains("default backend - 404");
        assertThat(channel.isActive()).isTrue();
        assertThat(exchange("GET / HTTP/1.1\r\nHost: nowhere\r\n\r\n")).startsWith("HTTP/1.1 404");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void chosenBackendWithoutEndpointsIs503() {
        assertThat(exchange("GET / HTTP/1.1\r\nHost: empty\r\n\r\n")).startsWith("HTTP/1.1 503");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void malformedRequestIs400AndCloses() {
        assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\n: no name\r\n\r\n"))
                .startsWith("HTTP/1.1 400").contains("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void declaredBodyOverTheLimitIs413WithoutReadingIt() {
        assertThat(exchange("POST / HTTP/1.1\r\nHost: empty\r\nContent-Length: 101\r\n\r\n" + "x".repeat(101)))
                .startsWith("HTTP/1.1 413");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void pathIgnoresQueryAndAbsoluteFormIsTakenApartAsNginxDoes() {
        assertThat(RequestTarget.pathOf("/a/b?c=d")).isEqualTo("/a/b");
        assertThat(RequestTarget.pathOf("/a#frag")).isEqualTo("/a");
        assertThat(RequestTarget.pathOf("/plain")).isEqualTo("/plain");
        assertThat(RequestTarget.absolute("http://host:80/p?q")).isEqualTo(new RequestTarget.Absolute("host:80", "/p?q"));
        assertThat(RequestTarget.absolute("HTTPS://host")).isEqualTo(new RequestTarget.Absolute("host", "/"));
        assertThat(RequestTarget.absolute("coap+tcp://h/x")).as("nginx does not check the scheme")
                .isEqualTo(new RequestTarget.Absolute("h", "/x"));
        assertThat(RequestTarget.absolute("http://h?/admin")).as("the query is no path")
                .isEqualTo(new RequestTarget.Absolute("h", "/?/admin"));
        assertThat(RequestTarget.absolute("http://[::1]:8080/x")).isEqualTo(new RequestTarget.Absolute("[::1]:8080", "/x"));
        for (String bad : new String[] {"admin", "*", "http://h\\admin", "http://", "http:/h/", "1ttp://h/",
                "http://h#x", "http://h:8o/", "http://user@h/", "http://[zz]/"}) {
            assertThat(RequestTarget.absolute(bad)).as(bad).isNull();
        }
    }
}
