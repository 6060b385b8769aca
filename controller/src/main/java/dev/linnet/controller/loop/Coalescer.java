package dev.linnet.controller.loop;

/**
 * When a burst of change signals is due for one build: at most one build per spacing, so a
 * storm of informer events is coalesced, and no change waits for more than one spacing plus the
 * build in progress, however long the storm lasts.
 *
 * <ul>
 *   <li>A signal when the loop has been idle for at least the spacing since its last build
 *       ended is due at once (leading edge): a lone edit, the common case, reaches traffic
 *       without waiting.</li>
 *   <li>Signals that follow a build closely are coalesced into the next build, due one spacing
 *       after the previous build <em>ended</em>.</li>
 *   <li>The spacing is the holdoff (100 ms), or the last build's own duration when that was
 *       longer, up to {@code maxDelay} (500 ms): a large cluster, whose build takes long, builds
 *       at most about half the time under sustained churn.</li>
 * </ul>
 *
 * <pre>
 *   build [b0, b1], then x   x x  x x      due: max(first x, b1 + spacing)
 *   spacing = min(max(b1 − b0, holdoff), maxDelay)
 * </pre>
 *
 * Issue 15, item 8: the previous rule (Contour's: holdoff after the burst's <em>last</em>
 * signal, at most maxDelay after its first) never found a quiet holdoff under steady churn (a
 * weight change and an Ingress edit every 100 ms), so every change waited for maxDelay: p99
 * 0.54 s. Spacing builds instead bounds the lag and builds no more often.
 *
 * <p>Pure arithmetic over times handed in, so tests need no clock. Not thread-safe: the control
 * loop calls it under its lock.
 */
final class Coalescer {

    private final long holdoffNanos;
    private final long maxDelayNanos;
    private boolean pending;
    private long firstNanos;
    private long nextAllowedNanos = Long.MIN_VALUE; // no build yet: anything is due at once

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
    }

    boolean pending() {
        return pending;
    }

    /** Nanoseconds until the pending burst is due (0 or less: due now). Only meaningful while pending. */
    long nanosUntilDue(long nowNanos) {
        long due = nextAllowedNanos == Long.MIN_VALUE ? firstNanos : Math.max(firstNanos, nextAllowedNanos);
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

    /** The build of the taken burst ran from {@code startNanos} to {@code endNanos}. */
    void built(long startNanos, long endNanos) {
        long spacing = Math.min(Math.max(endNanos - startNanos, holdoffNanos), maxDelayNanos);
        nextAllowedNanos = endNanos + spacing;
    }
}
