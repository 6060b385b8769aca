package dev.linnet.gateway.admin;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.proxy.Transport;
import dev.linnet.gateway.route.RouteTableHolder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (ingress-nginx's :10254): {@code /healthz}, {@code /readyz},
 * {@code /metrics}, {@code /debug/routes}. One event loop of its own, so a flood of proxy traffic can't make a
 * probe time out and get the pod killed.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    static final String CODEC = "codec";
    static final String AGGREGATOR = "aggregator";
    static final String HANDLER = "admin";

    private final EventLoopGroup group;
    private final Channel listener;
    private final AtomicBoolean shuttingDown;

    private AdminServer(EventLoopGroup group, Channel listener, AtomicBoolean shuttingDown) {
        this.group = group;
        this.listener = listener;
        this.shuttingDown = shuttingDown;
    }

    /** @throws IllegalStateException when the address can't be bound */
    public static AdminServer start(String bindAddress, int port, RouteTableHolder routes) throws InterruptedException {
        return start(bindAddress, port, routes, null);
    }

    /**
     * Also serves {@code /metrics} from {@code metrics} (null: no /metrics). Scrapes render on this
     * listener's own loop, never on a proxy loop.
     *
     * @throws IllegalStateException when the address can't be bound
     */
    public static AdminServer start(String bindAddress, int port, RouteTableHolder routes, GatewayMetrics metrics)
            throws InterruptedException {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(routes, "routes");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newGroup(1);
        AtomicBoolean shuttingDown = new AtomicBoolean();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(CODEC, new HttpServerCodec())
                                .addLast(AGGREGATOR, new HttpObjectAggregator(64 * 1024))
                                .addLast(HANDLER, new AdminHandler(routes, metrics, shuttingDown));
                    }
                });
        Channel channel;
        try {
            channel = bootstrap.bind(bindAddress, port).sync().channel();
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        } catch (Exception e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            throw new IllegalStateException("admin listener: cannot bind " + bindAddress + ':' + port
                    + " (" + e.getMessage() + ')', e);
        }
        AdminServer server = new AdminServer(group, channel, shuttingDown);
        log.info("admin listener on {}:{}", bindAddress, server.port());
        return server;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * From now on {@code /readyz} answers 503 (and {@code /healthz} still 200): the first step of a
     * graceful shutdown, so that load balancers and Endpoints stop sending new connections while
     * the listeners still accept them.
     */
    public void shuttingDown() {
        shuttingDown.set(true);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
