package dev.linnet.controller.loop;

/**
 * When a burst of change signals is due for one build, as Contour's holdoff does: a build runs
 * {@code holdoff} after the <em>last</em> signal, but never later than {@code maxDelay} after
 * the <em>first</em> unprocessed one, so a steady trickle of changes cannot starve the table.
 *
 * <pre>
 *   signals:  x  x x   x                       (first at t0, last at tl)
 *   due:      min(tl + holdoff, t0 + maxDelay)
 * </pre>
 *
 * Pure arithmetic over times handed in, so tests need no clock. Not thread-safe: the control
 * loop calls it under its lock.
 */
final class Coalescer {

    private final long holdoffNanos;
    private final long maxDelayNanos;
    private boolean pending;
    private long firstNanos;
    private long lastNanos;

    Coalescer(long holdoffNanos, long maxDelayNanos) {
        if (holdoffNanos < 0) {
            throw new IllegalArgumentException("holdoffNanos: " + holdoffNanos + " (expected: >= 0)");
        }
        if (maxDelayNanos < holdoffNanos) {
            throw new IllegalArgumentException(
                    "maxDelayNanos: " + maxDelayNanos + " (expected: >= holdoffNanos " + holdoffNanos + ')');
        }
        this.holdoffNanos = holdoffNanos;
        this.maxDelayNanos = maxDelayNanos;
    }

    void signal(long nowNanos) {
        if (!pending) {
            pending = true;
            firstNanos = nowNanos;
        }
        lastNanos = nowNanos;
    }

    boolean pending() {
        return pending;
    }

    /** Nanoseconds until the pending burst is due (0 or less: due now). Only meaningful while pending. */
    long nanosUntilDue(long nowNanos) {
        long due = Math.min(lastNanos + holdoffNanos, firstNanos + maxDelayNanos);
        return due - nowNanos;
    }

    /**
     * The burst is being built: signals from now on start a new one.
     *
     * @return when the burst's first signal came (the start of its change-to-traffic time)
     */
    long take() {
        pending = false;
        return firstNanos;
    }
}
