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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
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
 *   SERVING ─goAway()─▶ GO_AWAY ─drain(grace)─▶ SETTLE ─────────────────────────▶ CLOSE ─────────────────────────▶ all closed
 *                       every response says     responses keep-alive again;      listeners closed; every          │ or grace
 *                       Connection: close,      wait until no accept for         response says Connection: close; ▼ over
 *                       HTTP/2 GOAWAY;          SETTLE_QUIET (≤ SETTLE_MAX,      an idle connection closes after   close the rest
 *                       listeners accept        grace/4): the accept backlog     IDLE_LINGER (≤ grace/2) idle;
 *                       (--shutdown-delay)      is empty, the listener closes    HTTP/2: GOAWAY, close when done
 * </pre>
 *
 * Why SETTLE: a client that reconnects to this address after each Connection: close keeps the
 * accept backlog full; closing the listener then resets the connections the kernel completed
 * but nobody accepted, each with a request already sent. Answering keep-alive for a moment
 * stops the reconnects, so the backlog is empty when the listener closes; in CLOSE the
 * client's reconnect is refused (a connect error, no request sent).
 *
 * See {@link DrainSignal} for why an idle connection is closed only in CLOSE, and not at once.
 */
public final class ClientConnections {

    private static final Logger log = LoggerFactory.getLogger(ClientConnections.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final Duration SETTLE_QUIET = Duration.ofMillis(100);
    static final Duration SETTLE_MAX = Duration.ofSeconds(1);
    static final Duration IDLE_LINGER = Duration.ofSeconds(1);

    /** The steps of a graceful shutdown (the class comment). */
    enum Phase { SERVING, GO_AWAY, SETTLE, CLOSE }

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
    private volatile Phase phase = Phase.SERVING;
    private volatile long lastAccept = System.nanoTime(); // written on the listeners' loop, read by drain()
    private volatile long idleLingerNanos = IDLE_LINGER.toNanos();
    private final CompletableFuture<Boolean> ended = new CompletableFuture<>(); // drain's end: see awaitEnd

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

    /** Whether a graceful shutdown began ({@link #goAway()} or {@link #drain}). */
    public boolean isDraining() {
        return phase != Phase.SERVING;
    }

    /** Whether an HTTP/1.1 response now says {@code Connection: close} (GO_AWAY, CLOSE; not SETTLE). */
    boolean endsConnections() {
        Phase now = phase;
        return now == Phase.GO_AWAY || now == Phase.CLOSE;
    }

    /** Whether the listeners closed: a connection idle between requests closes after {@link #idleLingerNanos()}. */
    boolean closesIdle() {
        return phase == Phase.CLOSE;
    }

    /** How long a connection idle between requests lingers once {@link #closesIdle()}. */
    long idleLingerNanos() {
        return idleLingerNanos;
    }

    /**
     * Whether the gateway {@code channel} belongs to is draining; false for a channel of no
     * gateway (handler tests). Looks through parents, so an HTTP/2 stream channel answers for its
     * connection.
     */
    public static boolean isDraining(Channel channel) {
        ClientConnections owner = of(channel);
        return owner != null && owner.isDraining();
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
    public synchronized void goAway() {
        if (phase == Phase.SERVING) {
            phase = Phase.GO_AWAY;
            signal(DrainSignal.GO_AWAY);
        }
    }

    /**
     * Drains the open connections (SETTLE, then CLOSE in the class comment): blocks until all are
     * closed or {@code grace} is over, then closes what remains. Call the shutdown delay after
     * {@link #goAway()} (or this does it now), once, from a thread that is no event loop.
     *
     * @return whether every connection ended on its own within the grace
     */
    public boolean drain(Duration grace) {
        requireNonNull(grace, "grace");
        long start = System.nanoTime();
        goAway();
        settle(min(SETTLE_MAX, grace.dividedBy(4)));
        if (!ended.isDone()) {
            listeners.close().awaitUninterruptibly(5, TimeUnit.SECONDS); // new connections: refused by the kernel
            idleLingerNanos = min(IDLE_LINGER, grace.dividedBy(2)).toNanos();
            phase = Phase.CLOSE;
            signal(DrainSignal.CLOSE_IDLE);
            connections.newCloseFuture().addListener(f -> ended.complete(true));
        }
        Boolean clean = awaitEnd(grace.toNanos() - (System.nanoTime() - start));
        if (clean == null) {
            log.warn("shutdown grace of {} ms over: cutting {} client connections still open", grace.toMillis(),
                    connections.size());
            connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            return false;
        }
        return clean;
    }

    /**
     * Ends a {@link #drain} under way at once, without closing anything: the gateway is being
     * closed (a second SIGTERM), which ends the connections with its event loops. Without this,
     * the drain would wait out its grace for connections accepted but never registered with a
     * loop that ended, whose close nobody reports. Any thread.
     */
    public void cut() {
        ended.complete(false);
    }

    /** True: every connection closed; false: {@link #cut()} or interrupted; null: {@code nanos} passed. */
    private Boolean awaitEnd(long nanos) {
        try {
            return ended.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down harder: whoever interrupted closes
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    /** SETTLE: responses keep-alive, until no connection was accepted for SETTLE_QUIET, at most {@code max}. */
    private void settle(Duration max) {
        phase = Phase.SETTLE;
        long deadline = System.nanoTime() + max.toNanos();
        for (;;) {
            long now = System.nanoTime();
            long wait = Math.min(lastAccept + SETTLE_QUIET.toNanos() - now, deadline - now);
            if (wait <= 0 || ended.isDone()) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(wait); // a blocking caller by contract; nothing to hand off
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down harder: awaitEnd returns at once
                return;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void signal(DrainSignal step) {
        // Connections not yet registered with a loop get no signal; they see the phase when their
        // first request arrives.
        for (Channel c : connections) {
            if (c.isRegistered()) {
                try {
                    c.pipeline().fireUserEventTriggered(step);
                } catch (RejectedExecutionException e) {
                    // its loop ended (close() on another thread): the connection is closed with it
                }
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
            lastAccept = System.nanoTime(); // SETTLE waits for a quiet backlog
            child.closeFuture().addListener(f -> open.decrementAndGet());
            connections.add(child);
            ctx.fireChannelRead(child);
        }
    }
}
