package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every client connection of the gateway, over all its listeners: the {@code maxConnections}
 * limit at accept time, and the drain of a graceful shutdown.
 *
 * <p>A listener takes part by carrying {@link #gate()} as its server-channel handler and
 * {@link #KEY} as a child attribute ({@code ServerBootstrap.handler(..).childAttr(KEY, this)}).
 * The gate sees each accepted connection before it is registered with an event loop, so a
 * refused one costs one accept and one close, nothing else (nginx: "worker_connections are not
 * enough", the connection closed at once).
 *
 * <pre>
 *   goAway():      draining = true ─▶ GO_AWAY to every connection        (the listeners still accept:
 *                                      (HTTP/1.1: Connection: close on    clients that still arrive are
 *                                       each response; HTTP/2: GOAWAY)    served and told to go)
 *   stopAccepting(): listeners closed
 *   drain(grace):  closingIdle = true ─▶ CLOSE_IDLE to every connection ─▶ wait until all closed
 *                                        (idle: close now; busy: after    │ or grace over
 *                                         its Connection: close response) ▼
 *                                                                     close the rest
 * </pre>
 *
 * See {@link DrainSignal} for why idle connections are only closed in the last step.
 */
public final class ClientConnections {

    private static final Logger log = LoggerFactory.getLogger(ClientConnections.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Child attribute through which a connection's handlers find this object. */
    public static final AttributeKey<ClientConnections> KEY = AttributeKey.valueOf("linnet.clientConnections");

    private final int max; // 0: unlimited
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelGroup connections = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup listeners = new DefaultChannelGroup("listeners", GlobalEventExecutor.INSTANCE);
    private final Counter refused;
    private final AtomicLong nextRefusalLog = new AtomicLong(System.nanoTime());
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final Gate gate = new Gate();
    private volatile boolean draining; // from goAway(): every response ends its connection
    private volatile boolean closingIdle; // from drain(): a connection idle between requests closes

    private ClientConnections(int max, Counter refused) {
        this.max = max;
        this.refused = refused;
    }

    /** @param max most concurrent client connections, 0 for unlimited */
    public static ClientConnections create(int max, MeterRegistry registry) {
        if (max < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 0, 0 = unlimited)");
        }
        requireNonNull(registry, "registry");
        return new ClientConnections(max, Counter.builder(MetricNames.CLIENT_CONNECTIONS_REFUSED)
                .description("Client connections closed at accept because --max-connections were open")
                .register(registry));
    }

    /** The server-channel handler that counts, limits and tracks accepted connections. */
    public ChannelHandler gate() {
        return gate;
    }

    /** Open client connections now. */
    public int open() {
        return open.get();
    }

    /** Every open client connection (for handlers that must reach all of them, e.g. HTTP/2 GOAWAY). */
    public ChannelGroup channels() {
        return connections;
    }

    /** Whether clients are being told to go ({@link #goAway()}): a response ends its connection. */
    public boolean isDraining() {
        return draining;
    }

    /** Whether the listeners closed and {@link #drain} runs: a connection idle between requests closes. */
    public boolean closesIdle() {
        return closingIdle;
    }

    /**
     * Whether the gateway {@code channel} belongs to is draining; false for a channel of no
     * gateway (handler tests). Looks through parents, so an HTTP/2 stream channel answers for its
     * connection.
     */
    public static boolean isDraining(Channel channel) {
        ClientConnections owner = of(channel);
        return owner != null && owner.draining;
    }

    /**
     * The gateway {@code channel} belongs to, or null (a channel of no gateway, as in handler
     * tests); looks through parents like {@link #isDraining(Channel)}. A handler that asks often
     * keeps the answer: the attribute lookups cost more than the flag they guard.
     */
    static ClientConnections of(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            ClientConnections owner = c.attr(KEY).get();
            if (owner != null) {
                return owner;
            }
        }
        return null;
    }

    /**
     * The first step of a graceful shutdown, while the listeners still accept: every response from
     * now on says {@code Connection: close} (HTTP/1.1) and HTTP/2 connections get GOAWAY, so that
     * clients open their next connection elsewhere (the load balancer took this pod out, or is
     * about to) instead of sending into a close later. Idempotent; call from any thread.
     */
    public void goAway() {
        if (!draining) {
            draining = true;
            signal(DrainSignal.GO_AWAY);
        }
    }

    /** Closes every listener that carries the gate: new connections are refused by the kernel. */
    public void stopAccepting() {
        listeners.close().awaitUninterruptibly();
    }

    /**
     * Drains the open connections (see the class comment): blocks until all are closed or
     * {@code grace} is over, then closes what remains. Call after {@link #stopAccepting()} (and
     * {@link #goAway()} the shutdown delay before, or this does it now), from a thread that is no
     * event loop.
     *
     * @return whether every connection ended on its own within the grace
     */
    public boolean drain(Duration grace) {
        requireNonNull(grace, "grace");
        goAway();
        closingIdle = true;
        signal(DrainSignal.CLOSE_IDLE);
        boolean clean = connections.newCloseFuture().awaitUninterruptibly(grace.toMillis());
        if (!clean) {
            log.warn("shutdown grace of {} ms over: cutting {} client connections still open", grace.toMillis(),
                    connections.size());
            connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        return clean;
    }

    private void signal(DrainSignal step) {
        // Connections not yet registered with a loop get no signal; they see the flags when their
        // first request arrives, and are answered with Connection: close.
        for (Channel c : connections) {
            if (c.isRegistered()) {
                c.pipeline().fireUserEventTriggered(step);
            }
        }
    }

    private void refuse(Channel child) {
        refused.increment(); // before the close, so whoever sees the close also sees the count
        child.unsafe().closeForcibly(); // not registered yet: close() would need an event loop
        long pending = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long next = nextRefusalLog.get();
        if (now - next >= 0 && nextRefusalLog.compareAndSet(next, now + REFUSAL_LOG_INTERVAL_NANOS)) {
            refusedSinceLog.addAndGet(-pending);
            log.warn("{} client connections refused: {} open, the --max-connections limit", pending, max);
        }
    }

    /** On each listener: accepted connections arrive here as messages, before their registration. */
    @ChannelHandler.Sharable
    private final class Gate extends ChannelInboundHandlerAdapter {

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            listeners.add(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Channel child)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (open.incrementAndGet() > max && max > 0) {
                open.decrementAndGet();
                refuse(child);
                return;
            }
            child.closeFuture().addListener(f -> open.decrementAndGet());
            connections.add(child);
            ctx.fireChannelRead(child);
        }
    }
}
