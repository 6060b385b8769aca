package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Idle connections of one event loop, by {@link Endpoint} (or an endpoint and the TLS server name
 * they were opened for); touched only from that loop. Most recently used first,
 * so a quiet period lets the least used connections time out.
 *
 * <p>An idle connection keeps one read pending: that is how an upstream's FIN (or a stray byte)
 * is noticed, and a closed connection removes itself from the deque at once, so a connection
 * that closed is never handed out.
 *
 * <p>Idle timeouts are swept, not scheduled per connection: a connection goes back to the pool
 * after every request, and a timer scheduled and cancelled each time costs more than the rest of
 * the pooling. One sweep per loop runs every quarter of the idle timeout while anything is idle
 * and closes, from the least recently used end, what has idled for the whole timeout; so an idle
 * connection closes between 1 and 1.25 idle timeouts after its last use.
 *
 * <pre>
 *   offer(ep, ch) ─▶ deque(ep).addFirst(ch, now) ─▶ no sweep pending? schedule one (idle / 4)
 *   sweep ─▶ each deque, from its last (oldest) ─▶ idle ≥ timeout? close : stop ─▶ anything left? again
 * </pre>
 */
final class LoopPool {

    /** One idle connection and since when. */
    private record Idle(Channel channel, long sinceNanos) {
    }

    private static final VarHandle IDLE_COUNT;

    static {
        try {
            IDLE_COUNT = MethodHandles.lookup().findVarHandle(LoopPool.class, "idleCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventLoop loop;
    private final long idleNanos;
    private final long sweepNanos;
    private final Map<Object, ArrayDeque<Idle>> idle = new HashMap<>();
    private boolean sweepPending;
    // The last endpoint looked up and its deque: most requests of a loop go to the same few pods,
    // and the same Endpoint instance comes back until the next table, so an identity check saves
    // the hash lookup twice per request (lease and return).
    private Object lastEndpoint;
    private ArrayDeque<Idle> lastDeque;
    // Written only by the loop (release stores, no atomic add); metrics read it from another thread.
    @SuppressWarnings("unused") // through IDLE_COUNT
    private int idleCount;

    LoopPool(EventLoop loop, Duration idleTimeout) {
        this.loop = loop;
        this.idleNanos = idleTimeout.toNanos();
        this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), idleNanos / 4);
    }

    Channel poll(Object endpoint) {
        ArrayDeque<Idle> deque = deque(endpoint, false);
        if (deque == null) {
            return null;
        }
        Idle entry;
        while ((entry = deque.pollFirst()) != null) {
            countIdle(-1);
            if (entry.channel().isActive()) {
                return entry.channel();
            }
        }
        return null;
    }

    void offer(Object endpoint, Channel ch) {
        deque(endpoint, true).addFirst(new Idle(ch, System.nanoTime()));
        countIdle(1);
        if (!sweepPending) {
            sweepPending = true;
            loop.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
        }
        ch.read(); // watch for the upstream closing the idle connection
    }

    /** The deque of {@code endpoint}, created if asked to; null when there is none and none was asked for. */
    private ArrayDeque<Idle> deque(Object endpoint, boolean create) {
        if (endpoint == lastEndpoint) {
            return lastDeque;
        }
        ArrayDeque<Idle> deque = create ? idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>()) : idle.get(endpoint);
        if (deque != null) {
            lastEndpoint = endpoint;
            lastDeque = deque;
        }
        return deque;
    }

    private void countIdle(int delta) {
        IDLE_COUNT.setRelease(this, (int) IDLE_COUNT.getOpaque(this) + delta);
    }

    /** Idle connections of this loop now; any thread (metrics). */
    int idleCount() {
        return (int) IDLE_COUNT.getAcquire(this);
    }

    private void sweep() {
        sweepPending = false;
        long now = System.nanoTime();
        boolean anyLeft = false;
        for (ArrayDeque<Idle> deque : idle.values().toArray(ArrayDeque[]::new)) {
            Idle oldest;
            while ((oldest = deque.peekLast()) != null && now - oldest.sinceNanos() >= idleNanos) {
                deque.pollLast();
                countIdle(-1);
                oldest.channel().close(); // its close listener finds it gone: no double count
            }
            anyLeft |= !deque.isEmpty();
        }
        if (anyLeft) {
            sweepPending = true;
            loop.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** {@code ch} closed (its pool registers this once per connection): it leaves the idle set if it is there. */
    void closed(Object endpoint, Channel ch) {
        ArrayDeque<Idle> deque = idle.get(endpoint);
        if (deque != null) {
            for (Iterator<Idle> it = deque.iterator(); it.hasNext(); ) {
                if (it.next().channel() == ch) {
                    it.remove();
                    countIdle(-1);
                    break;
                }
            }
            if (deque.isEmpty()) {
                idle.remove(endpoint);
                if (deque == lastDeque) {
                    lastEndpoint = null;
                    lastDeque = null;
                }
            }
        }
    }

    int idleCount(Object endpoint) {
        ArrayDeque<Idle> deque = idle.get(endpoint);
        return deque == null ? 0 : deque.size();
    }
}
