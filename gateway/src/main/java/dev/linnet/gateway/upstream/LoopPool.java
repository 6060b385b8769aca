package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Idle connections of one event loop; touched only from that loop. Most recently used first,
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

    private final EventLoop loop;
    private final long idleNanos;
    private final long sweepNanos;
    private final Map<Endpoint, ArrayDeque<Idle>> idle = new HashMap<>();
    private boolean sweepPending;

    private final LongAdder idleCount; // shared by the loops, read by metrics

    LoopPool(EventLoop loop, Duration idleTimeout, LongAdder idleCount) {
        this.loop = loop;
        this.idleCount = idleCount;
        this.idleNanos = idleTimeout.toNanos();
        this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), idleNanos / 4);
    }

    Channel poll(Endpoint endpoint) {
        ArrayDeque<Idle> deque = idle.get(endpoint);
        if (deque == null) {
            return null;
        }
        Idle entry;
        while ((entry = deque.pollFirst()) != null) {
            idleCount.decrement();
            if (entry.channel().isActive()) {
                return entry.channel();
            }
        }
        return null;
    }

    void offer(Endpoint endpoint, Channel ch) {
        idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).addFirst(new Idle(ch, System.nanoTime()));
        idleCount.increment();
        if (!sweepPending) {
            sweepPending = true;
            loop.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
        }
        ch.read(); // watch for the upstream closing the idle connection
    }

    private void sweep() {
        sweepPending = false;
        long now = System.nanoTime();
        boolean anyLeft = false;
        for (ArrayDeque<Idle> deque : idle.values().toArray(ArrayDeque[]::new)) {
            Idle oldest;
            while ((oldest = deque.peekLast()) != null && now - oldest.sinceNanos() >= idleNanos) {
                deque.pollLast();
                idleCount.decrement();
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
    void closed(Endpoint endpoint, Channel ch) {
        ArrayDeque<Idle> deque = idle.get(endpoint);
        if (deque != null) {
            for (Iterator<Idle> it = deque.iterator(); it.hasNext(); ) {
                if (it.next().channel() == ch) {
                    it.remove();
                    idleCount.decrement();
                    break;
                }
            }
            if (deque.isEmpty()) {
                idle.remove(endpoint);
            }
        }
    }

    int idleCount(Endpoint endpoint) {
        ArrayDeque<Idle> deque = idle.get(endpoint);
        return deque == null ? 0 : deque.size();
    }
}
