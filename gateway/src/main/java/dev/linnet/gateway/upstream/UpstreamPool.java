package dev.linnet.gateway.upstream;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
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
 */
public final class UpstreamPool {

    /** Large enough that a 200 MiB body is not cut into 25 600 tiny writes, small enough to stay flat. */
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private static final String CODEC = "codec"; // the HTTP/1.1 codec's name in the pipeline below

    private final Map<EventExecutor, LoopPool> loops = new IdentityHashMap<>();
    private final Bootstrap bootstrap;
    private final LongAdder open = new LongAdder();
    private final LongAdder idle = new LongAdder();

    private UpstreamPool(EventLoopGroup group, Class<? extends SocketChannel> channelClass,
            Duration connectTimeout, Duration idleTimeout) {
        for (EventExecutor executor : group) {
            loops.put(executor, new LoopPool((EventLoop) executor, idleTimeout, idle));
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
                        ch.pipeline()
                                .addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                                        .setMaxChunkSize(MAX_CHUNK_SIZE)
                                        .setMaxHeaderSize(64 * 1024), false, false))
                                .addLast("flow", new MessagePerRead())
                                .addLast(UpstreamHandler.NAME, new UpstreamHandler());
                    }
                });
    }

    /**
     * @param group the event loops of the client connections; upstream connections share them
     */
    public static UpstreamPool create(EventLoopGroup group, Class<? extends SocketChannel> channelClass,
            Duration connectTimeout, Duration idleTimeout) {
        requireNonNull(group, "group");
        requireNonNull(channelClass, "channelClass");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        return new UpstreamPool(group, channelClass, connectTimeout, idleTimeout);
    }

    /**
     * A connection to {@code endpoint} on {@code loop}; must be called on {@code loop}.
     *
     * @param allowIdle false to skip the idle pool (the retry after a reused connection died)
     */
    public Future<Lease> acquire(EventLoop loop, Endpoint endpoint, boolean allowIdle) {
        return acquire(loop, endpoint, allowIdle, null);
    }

    /**
     * As {@link #acquire(EventLoop, Endpoint, boolean)}, with a route's own connect timeout
     * ({@code proxy-connect-timeout}); {@code null} keeps the pool's. An idle connection is
     * reused whatever timeout it was opened with: it is already connected.
     */
    public Future<Lease> acquire(EventLoop loop, Endpoint endpoint, boolean allowIdle, Duration connectTimeout) {
        LoopPool pool = loopPool(loop);
        Promise<Lease> promise = loop.newPromise();
        if (allowIdle) {
            Channel idle = pool.poll(endpoint);
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
                connect.channel().closeFuture().addListener(c -> open.decrement());
                promise.trySuccess(new Lease(connect.channel(), endpoint, false));
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
        UpstreamHandler.of(ch).listener(null);
        if (!reusable || !ch.isActive()) {
            ch.close();
            return;
        }
        loopPool(ch.eventLoop()).offer(lease.endpoint(), ch);
    }

    private static int connectMillis(Duration timeout) {
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
        return idle.sum();
    }

    /** Number of idle connections of one loop to one endpoint; for tests and /debug. */
    int idleCount(EventLoop loop, Endpoint endpoint) {
        return loopPool(loop).idleCount(endpoint);
    }

    private LoopPool loopPool(EventLoop loop) {
        LoopPool pool = loops.get(loop);
        if (pool == null) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: a loop of the pool's group)");
        }
        return pool;
    }
}
