package dev.linnet.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A re-armable timeout on one event loop; only that loop touches it, so no locking. */
final class Deadline {

    private final EventExecutor loop;
    private final long nanos;
    private final Runnable onExpiry;
    private ScheduledFuture<?> pending;

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
        cancel();
        pending = loop.schedule(() -> {
            pending = null;
            onExpiry.run();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
