package dev.linnet.controller.loop;

/**
 * When a burst of change signals is due for one build: at most one build per holdoff, so a
 * storm of informer events is coalesced, and no change waits for more than one holdoff plus the
 * build in progress (longer only after slow builds), however long the storm lasts.
 *
 * <ul>
 *   <li>A signal that comes when the last build started at least {@code holdoff} (100 ms) ago
 *       is due at once (leading edge): a lone edit, the common case, reaches traffic without
 *       waiting.</li>
 *   <li>Signals that follow a build closely are coalesced into the next build, due
 *       {@code holdoff} after the previous build <em>started</em>: at most one build per
 *       holdoff.</li>
 *   <li>After a slow build, the loop also rests as long as that build took, up to
 *       {@code maxDelay} (500 ms): a large cluster, whose build takes long, builds at most about
 *       half the time under sustained churn.</li>
 * </ul>
 *
 * <pre>
 *   build [b0, b1], then x   x x  x x      due: max(first x, b0 + holdoff, b1 + min(b1 − b0, maxDelay))
 * </pre>
 *
 * Issue 15, item 8: the previous rule (Contour's: holdoff after the burst's <em>last</em>
 * signal, at most maxDelay after its first) never found a quiet holdoff under steady churn (a
 * weight change and an Ingress edit every 100 ms), so every change waited for maxDelay: p99
 * 0.54 s. Spacing the builds instead bounds the lag (one holdoff plus a build) and builds no more
 * often than one per holdoff.
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
        long rest = Math.min(endNanos - startNanos, maxDelayNanos);
        nextAllowedNanos = Math.max(startNanos + holdoffNanos, endNanos + rest);
    }
}
