package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.Endpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The passive health check of one event loop ({@link PassiveHealth}); touched only from that
 * loop, like its connection pool, so it needs no lock. Only endpoints that failed lately have a
 * state, so while every endpoint works the request path pays one {@code isEmpty()}.
 *
 * <pre>
 *   failed(ep) ─▶ first failure, or the window is over? start a window ─▶ fails++
 *                   └─ fails ≥ maxFails ─▶ skipped until now + failTimeout (metric, /debug/routes)
 *   skipped(ep) ─▶ time over? forget the endpoint (it gets requests again) : true
 *   succeeded(ep) ─▶ forget its failures (nginx resets fails on a success)
 * </pre>
 *
 * A skipped endpoint still gets a request when every endpoint of the backend is skipped or
 * already tried (see {@link Attempts}): the check never empties a backend.
 */
final class EndpointHealth {

    private static final class State {
        int fails;
        long windowStart;
        long skippedUntil;
        boolean skipped;
    }

    private static final int PRUNE_ABOVE = 256;

    private final int maxFails;
    private final long failTimeoutNanos;
    private final LongSupplier nanoClock;
    private final Ejections ejections;
    private final Map<Endpoint, State> states = new HashMap<>();
    private long nextPrune; // see pruneIfDue

    EndpointHealth(PassiveHealth settings, LongSupplier nanoClock, Ejections ejections) {
        this.maxFails = settings.enabled() ? settings.maxFails() : 0;
        this.failTimeoutNanos = settings.failTimeout().toNanos();
        this.nanoClock = nanoClock;
        this.ejections = ejections;
        this.nextPrune = nanoClock.getAsLong(); // nanoTime may be negative: never compare with 0
    }

    /** Whether any endpoint failed lately; false is the fast path. */
    boolean anyFailures() {
        return !states.isEmpty();
    }

    boolean skipped(Endpoint endpoint) {
        State s = states.get(endpoint);
        if (s == null || !s.skipped) {
            return false;
        }
        if (nanoClock.getAsLong() - s.skippedUntil < 0) {
            return true;
        }
        states.remove(endpoint); // its time is over: a clean slate, as nginx counts afresh
        return false;
    }

    void failed(Endpoint endpoint) {
        if (maxFails == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (states.size() > PRUNE_ABOVE) { // endpoints gone from the tables, or quiet for long
            prune(now);
        }
        State s = states.computeIfAbsent(endpoint, e -> new State());
        if (s.skipped) {
            return; // a request sent before it was skipped, or sent because everything was
        }
        if (s.fails == 0 || now - s.windowStart > failTimeoutNanos) {
            s.fails = 0;
            s.windowStart = now;
        }
        if (++s.fails >= maxFails) {
            s.skipped = true;
            s.skippedUntil = now + failTimeoutNanos;
            ejections.ejected(endpoint, s.skippedUntil);
        }
    }

    void succeeded(Endpoint endpoint) {
        if (!states.isEmpty()) {
            states.remove(endpoint);
            pruneIfDue();
        }
    }

    /**
     * Only {@link #skipped} of an endpoint still picked forgets its state: one removed from the
     * tables (a pod killed in a rolling update) kept its state, and the request path its map
     * look-ups, for good. So while any state exists, answers sweep what is over, at most once
     * per fail_timeout.
     */
    private void pruneIfDue() {
        long now = nanoClock.getAsLong();
        if (now - nextPrune >= 0) {
            nextPrune = now + failTimeoutNanos;
            prune(now);
        }
    }

    private void prune(long now) {
        states.values().removeIf(st -> st.skipped ? now - st.skippedUntil >= 0 : now - st.windowStart > failTimeoutNanos);
    }
}
