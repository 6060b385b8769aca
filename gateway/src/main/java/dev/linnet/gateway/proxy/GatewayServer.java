package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.upstream.UpstreamPool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener of the data plane. It only wires: transport, event loops, the upstream pool
 * that shares those loops, and {@link GatewayInitializer}. Routing changes never touch it; they
 * arrive through the {@link RouteTableHolder}.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final Channel httpsListener; // null without --https-port
    private GatewayMetrics ownMetrics; // created by the two-argument start, closed with the server
    private AccessLog accessLog = AccessLog.OFF; // closed with the server
    private ClientConnections connections; // every client connection, over all listeners
    private BodySpool spool; // the temporary files of buffered request bodies
    private boolean closed;

    private GatewayServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener, Channel httpsListener) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.httpsListener = httpsListener;
    }

    /**
     * Binds {@code config.bindAddress():config.httpPort()} and starts serving.
     *
     * @throws IllegalStateException when the address can't be bound (port taken, no such address)
     */
    public static GatewayServer start(GatewayConfig config, RouteTableHolder routes) throws InterruptedException {
        GatewayMetrics own = GatewayMetrics.create(MetricsOptions.defaults());
        try {
            GatewayServer server = start(config, routes, own);
            server.ownMetrics = own;
            return server;
        } catch (InterruptedException | RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /**
     * Like {@link #start(GatewayConfig, RouteTableHolder)}, recording request metrics into
     * {@code metrics}, which the caller owns (and usually also hands to the admin listener).
     */
    public static GatewayServer start(GatewayConfig config, RouteTableHolder routes, GatewayMetrics metrics)
            throws InterruptedException {
        return start(new ConfigHolder(requireNonNull(config, "config")), routes, metrics);
    }

    /**
     * Like {@link #start(GatewayConfig, RouteTableHolder, GatewayMetrics)}, with settings the
     * controller may swap while serving ({@code --configmap}): requests read {@code configs} as
     * they go; the listener addresses, ports, event loops and the connection limit are read once here.
     */
    public static GatewayServer start(ConfigHolder configs, RouteTableHolder routes, GatewayMetrics metrics)
            throws InterruptedException {
        return start(configs, routes, metrics, AccessLog.OFF);
    }

    /**
     * Like {@link #start(ConfigHolder, RouteTableHolder, GatewayMetrics)}, writing one line per
     * request to {@code accessLog} (as {@code configs}' access-log settings say); the server closes
     * it when it closes. Without one ({@link AccessLog#OFF}) nothing is logged.
     */
    public static GatewayServer start(ConfigHolder configs, RouteTableHolder routes, GatewayMetrics metrics,
            AccessLog accessLog) throws InterruptedException {
        requireNonNull(accessLog, "accessLog");
        requireNonNull(configs, "configs");
        GatewayConfig config = configs.current();
        requireNonNull(routes, "routes");
        requireNonNull(metrics, "metrics");
        Transport transport = Transport.detect();
        EventLoopGroup boss = transport.newGroup(1);
        EventLoopGroup workers = transport.newGroup(config.ioThreads());
        UpstreamPool pool = UpstreamPool.create(workers, transport.clientChannel(),
                config.connectTimeout(), config.idleTimeout(), config.passiveHealth());
        metrics.upstreamPool(pool::openConnections, pool::idleConnections);
        metrics.upstreamEjections(pool.ejections()::total, pool.ejections()::current);
        ClientConnections connections = ClientConnections.create(config.maxConnections(), metrics.registry());
        metrics.accessLogDropped(accessLog::dropped);
        BodySpool spool = BodySpool.open(config.clientBody()); // its directory and budget are read once
        ProxyContext context = new ProxyContext(configs, routes, pool, metrics, accessLog, spool);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(connections.gate())
                .childAttr(ClientConnections.KEY, connections)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new GatewayInitializer(context));
        Channel channel;
        try {
            channel = bootstrap.bind(config.bindAddress(), config.httpPort()).sync().channel();
        } catch (InterruptedException e) {
            shutdown(boss, workers);
            accessLog.close();
            throw e;
        } catch (Exception e) { // BindException and friends, thrown sneakily by sync()
            shutdown(boss, workers);
            accessLog.close();
            throw new IllegalStateException("HTTP listener: cannot bind " + config.bindAddress() + ':'
                    + config.httpPort() + " (" + e.getMessage() + ')', e);
        }
        Channel https = null;
        if (config.httpsPort() != -1) {
            try {
                https = HttpsListener.bind(bootstrap, context);
            } catch (InterruptedException | RuntimeException e) {
                channel.close().syncUninterruptibly();
                shutdown(boss, workers);
                accessLog.close();
                throw e;
            }
        }
        GatewayServer server = new GatewayServer(boss, workers, channel, https);
        server.spool = spool;
        server.connections = connections;
        server.accessLog = accessLog;
        log.info("HTTP listener on {}:{} ({} transport)", config.bindAddress(), server.httpPort(), transport.name());
        return server;
    }

    /** The bound port; the real one when the configuration asked for port 0. */
    public int httpPort() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The temporary files of buffered request bodies (tests look at its budget). */
    BodySpool spool() {
        return spool;
    }

    /** The client connections of every listener: count, drain state, the hook for other protocols. */
    public ClientConnections connections() {
        return connections;
    }

    /**
     * The first step of a graceful shutdown, at its start (SIGTERM): the listeners still accept,
     * and every client is told to go ({@code Connection: close}, GOAWAY; see
     * {@link ClientConnections#goAway}). {@link #drain} when the shutdown delay is over.
     */
    public void goAway() {
        connections.goAway();
    }

    /**
     * The data plane's part of a graceful shutdown once its delay is over: stop accepting once
     * clients stopped reconnecting, then let open connections finish for up to {@code grace} (see
     * {@link ClientConnections#drain}).
     * Calls {@link #goAway()} if nobody did. {@link #close()} afterwards. Blocks; call from no
     * event loop.
     *
     * @return whether every connection ended within the grace
     */
    public boolean drain(Duration grace) {
        return connections.drain(grace);
    }

    /** The bound HTTPS port (the real one when the configuration asked for 0), or -1 without one. */
    public int httpsPort() {
        return httpsListener == null ? -1 : ((InetSocketAddress) httpsListener.localAddress()).getPort();
    }

    /** Stops accepting, closes every connection and waits for the event loops to end; once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connections.cut(); // a drain under way ends now: this closes what it waits for
        listener.close().syncUninterruptibly();
        if (httpsListener != null) {
            httpsListener.close().syncUninterruptibly();
        }
        shutdown(boss, workers);
        spool.close(); // after the event loops: every exchange let go of its body
        accessLog.close(); // after the event loops: every line of the last requests is queued
        if (ownMetrics != null) {
            ownMetrics.close();
        }
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.terminationFuture().syncUninterruptibly();
        workers.terminationFuture().syncUninterruptibly();
    }
}
