package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
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
 */
final class LoopPool {

    private static final AttributeKey<ScheduledFuture<?>> IDLE_TIMER = AttributeKey.valueOf("linnet.idleTimer");
    private static final AttributeKey<Boolean> REMOVER = AttributeKey.valueOf("linnet.poolRemover");

    private final EventLoop loop;
    private final long idleNanos;
    private final Map<Endpoint, ArrayDeque<Channel>> idle = new HashMap<>();

    private final LongAdder idleCount; // shared by the loops, read by metrics

    LoopPool(EventLoop loop, Duration idleTimeout, LongAdder idleCount) {
        this.loop = loop;
        this.idleCount = idleCount;
        this.idleNanos = idleTimeout.toNanos();
    }

    Channel poll(Endpoint endpoint) {
        ArrayDeque<Channel> deque = idle.get(endpoint);
        if (deque == null) {
            return null;
        }
        Channel ch;
        while ((ch = deque.pollFirst()) != null) {
            idleCount.decrement();
            ScheduledFuture<?> timer = ch.attr(IDLE_TIMER).getAndSet(null);
            if (timer != null) {
                timer.cancel(false);
            }
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    void offer(Endpoint endpoint, Channel ch) {
        idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).addFirst(ch);
        idleCount.increment();
        ch.attr(IDLE_TIMER).set(loop.schedule(() -> {
            ch.close();
        }, idleNanos, TimeUnit.NANOSECONDS));
        if (ch.attr(REMOVER).setIfAbsent(Boolean.TRUE) == null) {
            ch.closeFuture().addListener(f -> remove(endpoint, ch));
        }
        ch.read(); // watch for the upstream closing the idle connection
    }

    private void remove(Endpoint endpoint, Channel ch) {
        ArrayDeque<Channel> deque = idle.get(endpoint);
        if (deque != null) {
            if (deque.remove(ch)) {
                idleCount.decrement();
            }
            if (deque.isEmpty()) {
                idle.remove(endpoint);
            }
        }
    }

    int idleCount(Endpoint endpoint) {
        ArrayDeque<Channel> deque = idle.get(endpoint);
        return deque == null ? 0 : deque.size();
    }
}
