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
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The h2c detector and the stream request adapter on EmbeddedChannels. */
class H2PipelineTest {

    private MultiThreadIoEventLoopGroup unused;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        unused = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        RouteTableHolder routes = new RouteTableHolder();
        routes.swap(table(route("empty", "/", backend("empty", List.of()))));
        GatewayConfig config = GatewayConfig.defaults().toBuilder().clientHeaderTimeout(Duration.ofSeconds(3)).build();
        ProxyContext context = new ProxyContext(config, routes,
                UpstreamPool.create(unused, NioSocketChannel.class, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                GatewayMetrics.create(MetricsOptions.defaults()));
        channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new GatewayInitializer(context));
    }

    @AfterEach
    void tearDown() {
        unused.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private String drainOutbound() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void aRequestShorterThanThePrefaceIsHttp1() {
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.0\r\n\r\n", StandardCharsets.ISO_8859_1)); // 18 bytes
        channel.runPendingTasks();
        assertThat(drainOutbound()).startsWith("HTTP/1.1 404");
        assertThat(channel.pipeline().get(GatewayInitializer.DETECT)).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aPrefaceInPiecesSwitchesToHttp2AndTheServerSendsItsSettings() {
        ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
        channel.writeInbound(preface.retainedSlice(0, 10));
        assertThat(channel.pipeline().get(GatewayInitializer.DETECT)).isNotNull(); // still undecided
        channel.writeInbound(preface.retainedSlice(10, preface.readableBytes() - 10));
        channel.runPendingTasks();
        assertThat(channel.pipeline().get(GatewayInitializer.DETECT)).isNull();
        assertThat(channel.pipeline().get(Http2Pipeline.H2_CODEC)).isNotNull();
        assertThat(channel.pipeline().get(GatewayInitializer.CODEC)).isNull();
        ByteBuf settings = channel.readOutbound();
        assertThat(settings.getByte(3)).isEqualTo((byte) 0x4); // frame type SETTINGS (RFC 9113 §6.5)
        settings.release();
        preface.release();
        channel.close(); // the codec says GOAWAY on close: drain it, then nothing may be left
        channel.runPendingTasks();
        drainOutbound();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void halfAPrefaceIsCutAtTheClientHeaderTimeout() {
        channel.writeInbound(Unpooled.copiedBuffer("PRI * HTTP", StandardCharsets.ISO_8859_1));
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aBodylessStreamRequestBecomesHeadAndEndWithoutHttp2BookkeepingHeaders() {
        EmbeddedChannel stream = new EmbeddedChannel(new H2StreamRequest());
        FullHttpRequest full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x",
                Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
        full.headers().set("x-http2-stream-id", 3).set("x-http2-scheme", "http").set("host", "h");
        full.trailingHeaders().set("x-t", "1");
        stream.writeInbound(full);
        Object head = stream.readInbound();
        assertThat(head).isInstanceOf(HttpRequest.class).isNotInstanceOf(HttpContent.class);
        assertThat(((HttpRequest) head).headers().names()).containsExactly("host");
        LastHttpContent end = stream.readInbound();
        assertThat(end.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(end.trailingHeaders().get("x-t")).isEqualTo("1");
        end.release();
        assertFalse(stream.finishAndReleaseAll());
    }
}
