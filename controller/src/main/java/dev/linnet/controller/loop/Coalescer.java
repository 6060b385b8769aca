package dev.linnet.controller.loop;

/**
 * When a burst of change signals is due for one build. Contour's rule, plus a leading edge:
 *
 * <ul>
 *   <li>A signal that arrives after the loop has been idle for at least {@code holdoff} (the last
 *       build started that long ago) is due at once: a lone edit, the common case, reaches
 *       traffic without waiting.</li>
 *   <li>Signals that follow a build closely are coalesced: the burst is due {@code holdoff} after
 *       its <em>last</em> signal, but never later than {@code maxDelay} after its <em>first</em>,
 *       so a steady trickle of changes cannot starve the table.</li>
 * </ul>
 *
 * <pre>
 *   idle ≥ holdoff, then x            due: at x                        (leading edge)
 *   build at tb, then x  x x   x      due: min(tl + holdoff, t0 + maxDelay)
 *   (t0 first, tl last signal; t0 − tb &lt; holdoff)
 * </pre>
 *
 * So a storm of informer events costs at most one build at its first event and one per
 * holdoff after that. Pure arithmetic over times handed in, so tests need no clock. Not
 * thread-safe: the control loop calls it under its lock.
 */
final class Coalescer {

    private final long holdoffNanos;
    private final long maxDelayNanos;
    private boolean pending;
    private boolean leading;
    private boolean everTaken;
    private long firstNanos;
    private long lastNanos;
    private long takenNanos;

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
            leading = !everTaken || nowNanos - takenNanos >= holdoffNanos;
        }
        lastNanos = nowNanos;
    }

    boolean pending() {
        return pending;
    }

    /** Nanoseconds until the pending burst is due (0 or less: due now). Only meaningful while pending. */
    long nanosUntilDue(long nowNanos) {
        long due = leading ? firstNanos : Math.min(lastNanos + holdoffNanos, firstNanos + maxDelayNanos);
        return due - nowNanos;
    }

    /**
     * The burst is being built (from {@code nowNanos}): signals from now on start a new one.
     *
     * @return when the burst's first signal came (the start of its change-to-traffic time)
     */
    long take(long nowNanos) {
        pending = false;
        everTaken = true;
        takenNanos = nowNanos;
        return firstNanos;
    }
}
