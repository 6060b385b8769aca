package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCerts;
import dev.linnet.gateway.upstream.UpstreamPool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seam the HTTPS listener uses: after ALPN selects {@code h2}, {@link Http2Pipeline#http2}
 * turns the TLS connection into the HTTP/2 pipeline. The listener here is a minimal stand-in
 * (AUTO_READ off, as on the real listeners); the HTTPS listener itself is built elsewhere.
 */
class Http2OverTlsTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final RouteTableHolder routes = new RouteTableHolder();
    private TestBackend stable;
    private TestBackend canaryBackend;
    private GatewayMetrics metrics;

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (stable != null) {
            stable.close();
            canaryBackend.close();
        }
        metrics.close();
    }

    private int startTlsListener() throws Exception {
        SelfSignedCertificate cert = TestCerts.selfSigned("localhost");
        SslContext tls = SslContextBuilder.forServer(cert.key(), cert.cert())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
        metrics = GatewayMetrics.create(MetricsOptions.defaults());
        GatewayConfig config = GatewayConfig.defaults().withBindAddress("127.0.0.1");
        ProxyContext context = new ProxyContext(config, routes,
                UpstreamPool.create(group, NioSocketChannel.class, Duration.ofSeconds(5), Duration.ofSeconds(5)), metrics);
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()),
                                new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                                    @Override
                                    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                            Http2Pipeline.http2(ctx.pipeline(), context);
                                        } else {
                                            GatewayInitializer.http1(ctx.pipeline(), context);
                                        }
                                    }
                                });
                        ch.read(); // the handshake needs the ClientHello
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void alpnH2GetsTheHttp2PipelineWithTheCanarySplit() throws Exception {
        stable = TestBackend.start("stable");
        canaryBackend = TestBackend.start("canary");
        routes.swap(table(route("app.example.com", "/", backend("stable", stable))
                .withCanary(canary(backend("canary", canaryBackend)).header("X-Canary").build())));
        int port = startTlsListener();
        try (H2Client h2 = H2Client.connectTls(port)) {
            assertThat(h2.send(headers("GET", "app.example.com", "/")).text()).isEqualTo("stable");
            assertThat(h2.send(headers("GET", "app.example.com", "/").add("x-canary", "always")).text())
                    .isEqualTo("canary");
            assertThat(h2.send(headers("POST", "app.example.com", "/"), "body").text()).isEqualTo("stable");
        }
    }
}
