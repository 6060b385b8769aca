package dev.linnet.gateway.upstream;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keep-alive connections to upstream endpoints, one pool per (event loop, endpoint) as in Zuul 2:
 * an exchange only ever leases connections of its own client's event loop, so a request never
 * changes thread and the pool needs no lock. The map of per-loop pools is built once at start
 * and never changes.
 *
 * <pre>
 *   acquire(loop, ep) ─▶ idle connection of (loop, ep) still open? ─yes─▶ Lease(reused)
 *                               │ no
 *                               ▼
 *                        connect on loop (AUTO_READ off) ───────────▶ Lease(fresh) | failure
 *   release(lease)     ─▶ open and clean? ─yes─▶ idle (closed after idleTimeout) ; no ─▶ close
 * </pre>
 *
 * That is the route's {@code backend-protocol} HTTP. HTTPS connections (TLS, see {@link UpstreamTls})
 * follow the same flow in pools of their own; GRPC / GRPCS lease HTTP/2 streams of one shared
 * connection per (event loop, endpoint) from {@link H2Upstreams}. Every lease's channel carries
 * HTTP objects, whatever the protocol underneath.
 */
public final class UpstreamPool {

    /** Large enough that a 200 MiB body is not cut into 25 600 tiny writes, small enough to stay flat. */
    static final int MAX_CHUNK_SIZE = 64 * 1024;

    private static final String CODEC = "codec"; // the HTTP/1.1 codec's name in the pipeline below

    private final Map<EventExecutor, LoopPool> loops = new IdentityHashMap<>();
    private final Bootstrap bootstrap;
    // backend-protocol HTTPS: HTTP/1.1 over TLS, pooled like plain connections but apart from them
    private final Bootstrap tlsBootstrap;
    private final Map<EventExecutor, LoopPool> tlsLoops = new IdentityHashMap<>();
    // HTTP/1.1 over TLS with SNI (external-auth services): pooled by endpoint and server name
    private final SslContext http1Tls;
    private final Duration connectTimeout;
    private final Map<EventExecutor, LoopPool> namedTlsLoops = new IdentityHashMap<>();
    // backend-protocol GRPC / GRPCS: one multiplexed HTTP/2 connection per (loop, endpoint)
    private final H2Upstreams grpc;
    private final H2Upstreams grpcs;
    private final LongAdder open = new LongAdder();
    // the passive health check: per loop, like the connections; what it decided, for all to read
    private final Map<EventExecutor, EndpointHealth> health = new IdentityHashMap<>();
    private final Ejections ejections = new Ejections(System::nanoTime);

    private UpstreamPool(EventLoopGroup group, Class<? extends SocketChannel> channelClass,
            Duration connectTimeout, Duration idleTimeout, PassiveHealth passiveHealth) {
        for (EventExecutor executor : group) {
            loops.put(executor, new LoopPool((EventLoop) executor, idleTimeout));
            health.put(executor, new EndpointHealth(passiveHealth, System::nanoTime, ejections));
        }
        bootstrap = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis(connectTimeout))
                // Back-pressure: the exchange asks for each response piece when the client took the last one.
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        http1(ch.pipeline(), false);
                    }
                });
        this.connectTimeout = connectTimeout;
        http1Tls = UpstreamTls.http1();
        tlsBootstrap = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("tls", UpstreamTls.handler(http1Tls, ch, connectTimeout));
                http1(ch.pipeline(), true);
            }
        });
        for (EventExecutor executor : group) {
            tlsLoops.put(executor, new LoopPool((EventLoop) executor, idleTimeout));
            namedTlsLoops.put(executor, new LoopPool((EventLoop) executor, idleTimeout));
        }
        grpc = new H2Upstreams(bootstrap, null, group, connectTimeout, idleTimeout, open);
        grpcs = new H2Upstreams(bootstrap, UpstreamTls.http2(), group, connectTimeout, idleTimeout, open);
    }

    /**
     * Response headers stay validated field by field (Netty's default), as nginx answers 502 to
     * "upstream sent invalid header": a bare CR or a NUL in a value must never reach a client,
     * where a parser in front of it may take the CR for a line end (response splitting).
     */
    private static void http1(ChannelPipeline pipeline, boolean tls) {
        http1(pipeline, tls, null);
    }

    private static void http1(ChannelPipeline pipeline, boolean tls, String serverName) {
        UpstreamCodec codec = new UpstreamCodec(new HttpDecoderConfig()
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setMaxHeaderSize(HeadScan.MAX_HEAD));
        pipeline.addLast(CODEC, codec)
                .addLast("flow", new MessagePerRead())
                .addLast(UpstreamHandler.NAME, new UpstreamHandler(tls, serverName, codec));
    }

    /** The pool key of an HTTP/1.1-over-TLS connection opened with SNI. */
    private record Named(Endpoint endpoint, String serverName) {
    }

    /**
     * @param group the event loops of the client connections; upstream connections share them
     */
    public static UpstreamPool create(EventLoopGroup group, Class<? extends SocketChannel> channelClass,
            Duration connectTimeout, Duration idleTimeout) {
        return create(group, channelClass, connectTimeout, idleTimeout, PassiveHealth.OFF);
    }

    /**
     * @param group the event loops of the client connections; upstream connections share them
     * @param passiveHealth when an endpoint that keeps failing is skipped for a while
     */
    public static UpstreamPool create(EventLoopGroup group, Class<? extends SocketChannel> channelClass,
            Duration connectTimeout, Duration idleTimeout, PassiveHealth passiveHealth) {
        requireNonNull(group, "group");
        requireNonNull(channelClass, "channelClass");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(passiveHealth, "passiveHealth");
        return new UpstreamPool(group, channelClass, connectTimeout, idleTimeout, passiveHealth);
    }

    /** The passive health check of {@code loop}; only that loop may use it. */
    EndpointHealth health(EventLoop loop) {
        EndpointHealth h = health.get(loop);
        if (h == null) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: a loop of the pool's group)");
        }
        return h;
    }

    /** The endpoints the passive health check skips now, and how often it skipped one (metrics, /debug). */
    public Ejections ejections() {
        return ejections;
    }

    /**
     * A connection to {@code endpoint} on {@code loop}; must be called on {@code loop}.
     *
     * @param allowIdle false to skip the idle pool (the retry after a reused connection died)
     */
    public Future<Lease> acquire(EventLoop loop, Endpoint endpoint, boolean allowIdle) {
        return acquire(loop, endpoint, allowIdle, BackendProtocol.HTTP, null);
    }

    /** As {@link #acquire(EventLoop, Endpoint, boolean, BackendProtocol, Duration)} with the pool's connect timeout. */
    public Future<Lease> acquire(EventLoop loop, Endpoint endpoint, boolean allowIdle, BackendProtocol protocol) {
        return acquire(loop, endpoint, allowIdle, protocol, null);
    }

    /** As {@link #acquire(EventLoop, Endpoint, boolean, BackendProtocol, Duration)} over HTTP/1.1. */
    public Future<Lease> acquire(EventLoop loop, Endpoint endpoint, boolean allowIdle, Duration connectTimeout) {
        return acquire(loop, endpoint, allowIdle, BackendProtocol.HTTP, connectTimeout);
    }

    /**
     * A connection (for HTTP/2: a stream) to {@code endpoint} on {@code loop} speaking
     * {@code protocol}; must be called on {@code loop}. Whatever the protocol, the lease's channel
     * carries HTTP objects.
     *
     * @param connectTimeout a route's own connect timeout ({@code proxy-connect-timeout}), or
     *     {@code null} for the pool's. A pooled connection (an idle HTTP/1.1 one, an open HTTP/2
     *     one) is reused whatever timeout it was opened with: it is already connected.
     */
    public Future<Lease> acquire(EventLoop loop, Endpoint endpoint, boolean allowIdle, BackendProtocol protocol,
            Duration connectTimeout) {
        return switch (protocol) {
            case HTTP -> acquireHttp1(loop, endpoint, allowIdle, loopPool(loop), bootstrap, connectTimeout);
            case HTTPS -> acquireHttp1(loop, endpoint, allowIdle, pool(tlsLoops, loop), tlsBootstrap, connectTimeout);
            case GRPC, GRPCS -> {
                loopPool(loop); // checks the loop
                Promise<Lease> promise = loop.newPromise();
                (protocol == BackendProtocol.GRPC ? grpc : grpcs).acquire(loop, endpoint, allowIdle, connectTimeout,
                        promise);
                yield promise;
            }
        };
    }

    /**
     * An idle HTTP/1.1 connection to {@code endpoint} on {@code loop}, or null (none, or a protocol
     * that is not pooled that way). The request path's shortcut: no promise, no listener.
     */
    Lease pollIdle(EventLoop loop, Endpoint endpoint, BackendProtocol protocol) {
        LoopPool pool = switch (protocol) {
            case HTTP -> loopPool(loop);
            case HTTPS -> pool(tlsLoops, loop);
            case GRPC, GRPCS -> null;
        };
        Channel idle = pool == null ? null : pool.poll(endpoint);
        return idle == null ? null : new Lease(idle, endpoint, true);
    }

    /**
     * An HTTP/1.1-over-TLS connection to {@code endpoint} sending {@code serverName} as SNI, without
     * verifying the certificate (nginx's auth location: {@code proxy_ssl_server_name on},
     * {@code proxy_ssl_verify off}); pooled apart per server name. Must be called on {@code loop}.
     */
    public Future<Lease> acquireTls(EventLoop loop, Endpoint endpoint, String serverName, boolean allowIdle,
            Duration connectTimeout) {
        requireNonNull(serverName, "serverName");
        Duration timeout = connectTimeout == null ? this.connectTimeout : connectTimeout;
        Bootstrap b = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("tls", UpstreamTls.handler(http1Tls, ch, timeout, serverName, endpoint.port()));
                http1(ch.pipeline(), true, serverName);
            }
        });
        return acquireHttp1(loop, endpoint, new Named(endpoint, serverName), allowIdle, pool(namedTlsLoops, loop), b,
                connectTimeout);
    }

    private Future<Lease> acquireHttp1(EventLoop loop, Endpoint endpoint, boolean allowIdle, LoopPool pool,
            Bootstrap bootstrap, Duration connectTimeout) {
        return acquireHttp1(loop, endpoint, endpoint, allowIdle, pool, bootstrap, connectTimeout);
    }

    private Future<Lease> acquireHttp1(EventLoop loop, Endpoint endpoint, Object key, boolean allowIdle, LoopPool pool,
            Bootstrap bootstrap, Duration connectTimeout) {
        Promise<Lease> promise = loop.newPromise();
        if (allowIdle) {
            Channel idle = pool.poll(key);
            if (idle != null) {
                return promise.setSuccess(new Lease(idle, endpoint, true));
            }
        }
        Bootstrap b = bootstrap.clone(loop);
        if (connectTimeout != null) {
            b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis(connectTimeout));
        }
        ChannelFuture connect = b
                .connect(new InetSocketAddress(endpoint.address(), endpoint.port()));
        connect.addListener(f -> {
            if (f.isSuccess()) {
                open.increment();
                Channel ch = connect.channel();
                ch.closeFuture().addListener(c -> { // once per connection, not per return to the pool
                    open.decrement();
                    pool.closed(key, ch);
                });
                SslHandler tls = connect.channel().pipeline().get(SslHandler.class);
                if (tls == null) {
                    promise.trySuccess(new Lease(connect.channel(), endpoint, false));
                    return;
                }
                // A failed handshake is a failed connect: nothing reached the pod, any request may go elsewhere.
                tls.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        promise.trySuccess(new Lease(connect.channel(), endpoint, false));
                    } else {
                        connect.channel().close();
                        promise.tryFailure(h.cause());
                    }
                });
            } else {
                promise.tryFailure(f.cause());
            }
        });
        return promise;
    }

    /**
     * Ends a lease. {@code reusable} says the response was read to its end and both sides agreed
     * on keep-alive; anything else closes the connection, since its framing can't be trusted.
     */
    public void release(Lease lease, boolean reusable) {
        Channel ch = lease.channel();
        UpstreamHandler handler = UpstreamHandler.of(ch);
        if (handler == null) {
            return; // closed and deregistered already: Netty emptied the pipeline, nothing to pool
        }
        handler.listener(null);
        handler.passThrough(null); // armed for a response that never came: the next lease decides anew
        if (!reusable || !ch.isActive() || ch instanceof Http2StreamChannel) { // a stream serves one exchange
            ch.close();
            return;
        }
        if (handler.serverName() != null) {
            pool(namedTlsLoops, ch.eventLoop()).offer(new Named(lease.endpoint(), handler.serverName()), ch);
            return;
        }
        (handler.tls() ? pool(tlsLoops, ch.eventLoop()) : loopPool(ch.eventLoop())).offer(lease.endpoint(), ch);
    }

    static int connectMillis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * Ends a lease for good: the connection leaves HTTP (a {@code 101 Switching Protocols} was
     * accepted) and is never pooled again. {@code next} (called {@code name}) takes the place of
     * the pool's handler;
     * then the HTTP codec goes, handing on as raw bytes whatever it held undecoded (the first
     * frames of the new protocol, sent right behind the 101). Whoever called this closes the
     * connection; it stays counted as open until then.
     */
    public Channel detach(Lease lease, String name, ChannelHandler next) {
        requireNonNull(name, "name");
        requireNonNull(next, "next");
        Channel ch = lease.channel();
        UpstreamHandler.of(ch).listener(null);
        ch.pipeline().replace(UpstreamHandler.NAME, name, next);
        ch.pipeline().remove(CODEC);
        return ch;
    }

    /** Upstream connections open now, leased or idle, over all loops (metrics). */
    public long openConnections() {
        return open.sum();
    }

    /** Upstream connections idle in the pools now, over all loops (metrics). */
    public long idleConnections() {
        long sum = 0;
        for (LoopPool pool : loops.values()) {
            sum += pool.idleCount();
        }
        for (LoopPool pool : tlsLoops.values()) {
            sum += pool.idleCount();
        }
        for (LoopPool pool : namedTlsLoops.values()) {
            sum += pool.idleCount();
        }
        return sum;
    }

    /** Number of idle connections of one loop to one endpoint; for tests and /debug. */
    int idleCount(EventLoop loop, Endpoint endpoint) {
        return loopPool(loop).idleCount(endpoint);
    }

    private LoopPool loopPool(EventLoop loop) {
        return pool(loops, loop);
    }

    private static LoopPool pool(Map<EventExecutor, LoopPool> loops, EventLoop loop) {
        LoopPool pool = loops.get(loop);
        if (pool == null) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: a loop of the pool's group)");
        }
        return pool;
    }
}
