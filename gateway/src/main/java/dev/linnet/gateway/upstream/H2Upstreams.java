package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLHandshakeException;

/**
 * HTTP/2 connections to pods ({@code backend-protocol: GRPC}, or {@code GRPCS} with TLS): one
 * connection per (event loop, endpoint) multiplexes the streams of every exchange on that loop,
 * and a {@link Lease} is one stream, a child channel that speaks HTTP objects like an HTTP/1.1
 * connection does, so {@code Exchange} does not know the difference.
 *
 * <pre>
 *   acquire ─▶ connection of (loop, endpoint) usable? ─yes─▶ open stream ─▶ Lease(stream, reused)
 *                │ no: none, closed, or GOAWAY received (RFC 9113 §6.8: no new streams on it)
 *                ▼
 *              connect (+ TLS handshake, ALPN must say h2) ─▶ open stream ─▶ Lease(stream, fresh)
 *   release   ─▶ the stream is closed (a reset if it was not finished); the connection stays,
 *                and closes after idleTimeout without streams
 * </pre>
 *
 * All state of one loop is touched only from that loop.
 */
final class H2Upstreams {

    /** Per-stream receive window for responses: as for client uploads, bounded, not tiny. */
    private static final int STREAM_WINDOW = 256 * 1024;
    /** Same response header limit as the HTTP/1.1 upstream codec. */
    private static final int MAX_HEADER_LIST = 64 * 1024;

    private static final ChannelInitializer<Channel> STREAM = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline()
                    .addLast("codec", new Http2StreamFrameToHttpObjectCodec(false))
                    .addLast("h2-stream", new H2UpstreamStream())
                    .addLast("flow", new MessagePerRead())
                    .addLast(UpstreamHandler.NAME, new UpstreamHandler());
        }
    };

    /** Pods do not push to a gateway: settings say so, and any pushed stream is closed. */
    private static final ChannelInitializer<Channel> NO_PUSH = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
            ch.close();
        }
    };

    private final Bootstrap bootstrap;
    private final SslContext tls; // null: h2c with prior knowledge
    private final Duration connectTimeout;
    private final long idleNanos;
    private final LongAdder open;
    private final Map<EventExecutor, Map<Endpoint, Connection>> loops = new IdentityHashMap<>();

    H2Upstreams(Bootstrap bootstrap, SslContext tls, Iterable<EventExecutor> group, Duration connectTimeout,
            Duration idleTimeout, LongAdder open) {
        this.connectTimeout = connectTimeout;
        // The connection reads all the time (SETTINGS, PING, WINDOW_UPDATE); back-pressure is per stream.
        this.bootstrap = bootstrap.clone().option(ChannelOption.AUTO_READ, true);
        this.tls = tls;
        this.idleNanos = idleTimeout.toNanos();
        this.open = open;
        for (EventExecutor executor : group) {
            loops.put(executor, new HashMap<>());
        }
    }

    /**
     * Completes {@code promise} with a stream to {@code endpoint}; call on {@code loop}.
     *
     * @param connectTimeout for a new connection: the route's connect timeout, or {@code null} for the pool's
     */
    void acquire(EventLoop loop, Endpoint endpoint, boolean allowIdle, Duration connectTimeout, Promise<Lease> promise) {
        Map<Endpoint, Connection> connections = loops.get(loop);
        Connection existing = connections.get(endpoint);
        if (allowIdle && existing != null && existing.usable()) {
            existing.openStream(promise, true);
            return;
        }
        Connection fresh = connect(loop, endpoint, connections, connectTimeout == null ? this.connectTimeout : connectTimeout);
        connections.put(endpoint, fresh);
        fresh.openStream(promise, false);
    }

    private Connection connect(EventLoop loop, Endpoint endpoint, Map<Endpoint, Connection> connections,
            Duration connectTimeout) {
        Connection c = new Connection(loop, endpoint, loop.newPromise());
        Bootstrap b = bootstrap.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, UpstreamPool.connectMillis(connectTimeout))
                .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls != null) {
                    ch.pipeline().addLast("tls", UpstreamTls.handler(tls, ch, connectTimeout));
                }
                ch.pipeline()
                        .addLast("h2-codec", Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                                        .initialWindowSize(STREAM_WINDOW).maxHeaderListSize(MAX_HEADER_LIST))
                                // Streams beyond the pod's SETTINGS_MAX_CONCURRENT_STREAMS wait for a free slot
                                // instead of failing.
                                .encoderEnforceMaxConcurrentStreams(true)
                                .build())
                        .addLast("h2-multiplex", new Http2MultiplexHandler(NO_PUSH))
                        .addLast("h2-connection", new ConnectionEvents(c));
            }
        });
        ChannelFuture connect = b.connect(new InetSocketAddress(endpoint.address(), endpoint.port()));
        c.channel = connect.channel();
        connect.addListener(f -> {
            Channel ch = c.channel;
            if (!f.isSuccess()) {
                c.ready.tryFailure(f.cause());
                return;
            }
            open.increment();
            ch.closeFuture().addListener(x -> {
                open.decrement();
                c.goingAway = true;
                connections.remove(endpoint, c);
                c.ready.tryFailure(new ClosedChannelException());
            });
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                c.ready.trySuccess(ch);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (!h.isSuccess()) {
                    c.ready.tryFailure(h.cause());
                    ch.close();
                } else if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                    c.ready.tryFailure(new SSLHandshakeException("upstream " + endpoint + " did not select h2 by ALPN"));
                    ch.close();
                } else {
                    c.ready.trySuccess(ch);
                }
            });
        });
        return c;
    }

    /** One HTTP/2 connection to a pod and the streams open on it. */
    private final class Connection {
        final EventLoop loop;
        final Endpoint endpoint;
        final Promise<Channel> ready; // connected, and for TLS handshaken with h2
        Channel channel;
        boolean goingAway;
        int streams;
        ScheduledFuture<?> idleTimer;

        Connection(EventLoop loop, Endpoint endpoint, Promise<Channel> ready) {
            this.loop = loop;
            this.endpoint = endpoint;
            this.ready = ready;
        }

        boolean usable() {
            return !goingAway && (!ready.isDone() || ready.isSuccess() && channel.isActive());
        }

        void openStream(Promise<Lease> promise, boolean reused) {
            ready.addListener(f -> {
                if (!f.isSuccess()) {
                    promise.tryFailure(f.cause());
                    return;
                }
                if (idleTimer != null) {
                    idleTimer.cancel(false);
                    idleTimer = null;
                }
                streams++;
                new Http2StreamChannelBootstrap(channel)
                        .option(ChannelOption.AUTO_READ, false) // the exchange asks for every response piece
                        .handler(STREAM)
                        .open()
                        .addListener(s -> {
                            Http2StreamChannel stream = (Http2StreamChannel) s.getNow();
                            if (stream == null) {
                                streamEnded();
                                promise.tryFailure(s.cause());
                                return;
                            }
                            stream.closeFuture().addListener(x -> streamEnded());
                            if (!promise.trySuccess(new Lease(stream, endpoint, reused))) {
                                stream.close();
                            }
                        });
            });
        }

        /** Like an idle HTTP/1.1 connection, a connection without streams closes after idleTimeout. */
        private void streamEnded() {
            if (--streams == 0 && channel.isActive()) {
                idleTimer = loop.schedule(() -> {
                    if (streams == 0) {
                        channel.close();
                    }
                }, idleNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The last handler of the connection: GOAWAY marks it unusable; other connection frames are dropped. */
    private static final class ConnectionEvents extends ChannelInboundHandlerAdapter {
        private final Connection connection;

        ConnectionEvents(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                connection.goingAway = true; // streams it did not process are told by H2UpstreamStream
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
