package dev.linnet.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A re-armable timeout on one event loop; only that loop touches it, so no locking.
 *
 * <p>Lazy: {@link #cancel()} only disarms, and {@link #arm()} reuses a pending timer that fires
 * no later than the new deadline; when that timer fires early it re-checks and waits for the rest.
 * A request arms and disarms its timeouts several times (request sent, response head, each
 * body piece); this way it schedules one timer, not one per arm, and cancels it once, in
 * {@link #stop()}, which the owner calls when it is done (so no timer outlives it for long).
 *
 * <pre>
 *   arm(t) ─▶ pending timer due ≤ now + t? keep it : replace it ─▶ fires ─▶ disarmed? nothing
 *                                                                       ├▶ deadline later? wait the rest
 *                                                                       └▶ expired: onExpiry
 * </pre>
 */
final class Deadline {

    private final EventExecutor loop;
    private final long nanos;
    private final Runnable onExpiry;
    private ScheduledFuture<?> pending;
    private long pendingDue; // when `pending` fires
    private long deadline;
    private boolean armed;
    private boolean stopped; // for good: the owner is done

    Deadline(EventExecutor loop, Duration timeout, Runnable onExpiry) {
        this.loop = loop;
        this.nanos = timeout.toNanos();
        this.onExpiry = onExpiry;
    }

    /** Starts the countdown again from now. */
    void arm() {
        arm(nanos);
    }

    /** Starts a countdown of {@code timeoutNanos} from now, replacing any running one. */
    void arm(long timeoutNanos) {
        if (stopped) {
            return; // e.g. bytes queued before a close reaching a tunnel that already ended
        }
        long now = System.nanoTime();
        deadline = now + timeoutNanos;
        armed = true;
        if (pending != null && pendingDue - deadline <= 0) {
            return; // fires first and re-checks
        }
        schedule(now, timeoutNanos);
    }

    /** Disarms; a pending timer stays until it fires (and does nothing) or {@link #stop()}. */
    void cancel() {
        armed = false;
    }

    /** Disarms for good and drops the pending timer: the owner is done; later arms are ignored. */
    void stop() {
        stopped = true;
        armed = false;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void schedule(long now, long delayNanos) {
        if (pending != null) {
            pending.cancel(false);
        }
        pendingDue = now + delayNanos;
        pending = loop.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        pending = null;
        if (!armed) {
            return;
        }
        long now = System.nanoTime();
        long left = deadline - now;
        if (left > 0) {
            schedule(now, left);
            return;
        }
        armed = false;
        onExpiry.run();
    }
}
