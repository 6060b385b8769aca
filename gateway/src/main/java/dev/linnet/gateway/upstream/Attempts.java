package dev.linnet.gateway.upstream;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.NextUpstream;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.BitSet;

/**
 * The connection attempts of one request against one backend, counted against
 * {@code maxTries} (ingress-nginx's {@code proxy-next-upstream-tries}) and bounded in time by
 * {@code proxy-next-upstream-timeout}. Retries stay inside the chosen backend, as ingress-nginx's
 * do (canary-spec.md §3), and go to an endpoint this request has not tried yet while there is
 * one, as nginx's round robin does (issue 15): with one bad pod out of two, a retry always lands
 * on the good one.
 *
 * <pre>
 *   first() ─▶ pick ─▶ acquire(endpoint) ──ok──▶ connected(lease)
 *                 ▲          │ refused (error) / timed out (timeout)
 *                 │          ▼
 *                 └──yes── condition listed, tries and time left? ─no─▶ failed(last cause)
 *
 *   pick: round robin from the shared cursor, first endpoint that is
 *         untried and not skipped ─▶ else untried ─▶ else anything (never none)
 *   retryAfter(dead lease):  reused ─▶ same endpoint, fresh connection (not counted)
 *                            fresh  ─▶ next pick, counted; false when none is left
 *   retryElsewhere() / next(): next pick, counted (read timeout, a listed status)
 * </pre>
 *
 * The tried set costs nothing on the first attempt: one index; a bit mask from the second on
 * (a {@link BitSet} only for the 65th endpoint and beyond).
 */
public final class Attempts implements Backend.Fitness {

    /** Called on the event loop with the outcome. */
    public interface Callback {
        void connected(Lease lease);

        void failed(Throwable cause);

        /** An attempt on {@code endpoint} begins (metrics: the upstream timers start here). */
        default void attempting(Endpoint endpoint) {
        }

        /** An attempt could not connect; another may follow. */
        default void attemptFailed(Endpoint endpoint, Throwable cause) {
        }
    }

    private final UpstreamPool pool;
    private final EventLoop loop;
    private final Backend backend;
    private final int maxTries;
    private final BackendProtocol protocol;
    private final Callback callback;
    private final Duration connectTimeout; // null: the pool's
    private final NextUpstream nextUpstream;
    private final EndpointHealth health;
    private final EndpointChooser chooser; // null: the backend's round robin
    private int tries;
    private long startNanos; // of the first attempt, when proxy-next-upstream-timeout is set
    private int firstTried = -1; // the first attempt's endpoint index
    private long triedMask; // later attempts' indices below 64
    private BitSet triedBeyond; // later attempts' indices from 64 on

    public Attempts(UpstreamPool pool, EventLoop loop, Backend backend, int maxTries, Callback callback) {
        this(pool, loop, backend, maxTries, BackendProtocol.HTTP, null, NextUpstream.DEFAULT, null, callback);
    }

    /** @param protocol how to talk to the backend's pods (the route's {@code backend-protocol}) */
    public Attempts(UpstreamPool pool, EventLoop loop, Backend backend, int maxTries, BackendProtocol protocol,
            Callback callback) {
        this(pool, loop, backend, maxTries, protocol, null, NextUpstream.DEFAULT, null, callback);
    }

    /**
     * @param protocol how to talk to the backend's pods (the route's {@code backend-protocol})
     * @param connectTimeout the route's {@code proxy-connect-timeout}, or {@code null} for the
     *     pool's (the listener's {@code --connect-timeout})
     * @param nextUpstream which failures are retried, and for how long ({@code proxy-next-upstream})
     * @param chooser the request's own endpoint choice (session affinity), or {@code null} for the
     *     backend's round robin
     */
    public Attempts(UpstreamPool pool, EventLoop loop, Backend backend, int maxTries, BackendProtocol protocol,
            Duration connectTimeout, NextUpstream nextUpstream, EndpointChooser chooser, Callback callback) {
        this.chooser = chooser;
        this.protocol = requireNonNull(protocol, "protocol");
        this.connectTimeout = connectTimeout;
        this.nextUpstream = requireNonNull(nextUpstream, "nextUpstream");
        this.pool = requireNonNull(pool, "pool");
        this.loop = requireNonNull(loop, "loop");
        this.backend = requireNonNull(backend, "backend");
        this.callback = requireNonNull(callback, "callback");
        if (maxTries < 1) {
            throw new IllegalArgumentException("maxTries: " + maxTries + " (expected: > 0)");
        }
        this.maxTries = maxTries;
        this.health = pool.health(loop);
    }

    /**
     * The attempts for a {@code proxy-next-upstream-tries} value: at least one; 0 is nginx's
     * "no limit", which in nginx still tries each endpoint once, so here it is the endpoint count.
     */
    public static int triesFor(int nextUpstreamTries, Backend backend) {
        if (nextUpstreamTries == 0) {
            return Math.max(1, backend.endpoints().size());
        }
        return Math.max(1, nextUpstreamTries);
    }

    public void first() {
        tries = 1;
        if (!nextUpstream.timeout().isZero()) {
            startNanos = System.nanoTime();
        }
        connect(pick(), true);
    }

    /** Whether another attempt may start: tries left and {@code proxy-next-upstream-timeout} not over. */
    public boolean canRetry() {
        return tries < maxTries
                && (nextUpstream.timeout().isZero() || System.nanoTime() - startNanos < nextUpstream.timeout().toNanos());
    }

    /**
     * Another attempt after {@code dead} failed before any response byte; the caller has checked
     * that the request may be replayed. Returns false when no attempt is left.
     */
    public boolean retryAfter(Lease dead) {
        if (dead.reused()) {
            connect(dead.endpoint(), false); // the upstream closed it while it idled: not the endpoint's fault
            return true;
        }
        return retryElsewhere();
    }

    /** Another attempt on the next endpoint, counted as a try; false when none is left. */
    public boolean retryElsewhere() {
        if (!canRetry()) {
            return false;
        }
        next();
        return true;
    }

    /**
     * Another attempt on the next endpoint, counted as a try, once the caller saw
     * {@link #canRetry()} say yes and let go of the failed attempt.
     */
    public void next() {
        tries++;
        connect(pick(), true);
    }

    /** {@code endpoint} failed this request (the passive health check counts it). */
    public void endpointFailed(Endpoint endpoint) {
        health.failed(endpoint);
    }

    /** {@code endpoint} answered (the passive health check forgets its failures; the chooser may time it). */
    public void endpointAnswered(Endpoint endpoint) {
        health.succeeded(endpoint);
        if (chooser != null) {
            chooser.answered(endpoint);
        }
    }

    /** Untried and not skipped: 0; skipped by the health check: +1; tried by this request: +2. */
    @Override
    public int rank(int index, Endpoint endpoint) {
        int rank = tried(index) ? 2 : 0;
        return health.anyFailures() && health.skipped(endpoint) ? rank + 1 : rank;
    }

    private Endpoint pick() {
        int index = chooser == null ? backend.nextIndex(this) : chooser.choose(backend, this, firstTried >= 0);
        if (firstTried < 0) {
            firstTried = index;
        } else if (index < Long.SIZE) {
            triedMask |= 1L << index;
        } else {
            if (triedBeyond == null) {
                triedBeyond = new BitSet();
            }
            triedBeyond.set(index);
        }
        return backend.endpoint(index);
    }

    private void connected(Lease lease) {
        if (chooser != null) {
            chooser.connected();
        }
        callback.connected(lease);
    }

    private boolean tried(int index) {
        return index == firstTried
                || (index < Long.SIZE ? (triedMask & 1L << index) != 0 : triedBeyond != null && triedBeyond.get(index));
    }

    private void connect(Endpoint endpoint, boolean allowIdle) {
        callback.attempting(endpoint);
        Lease idle = allowIdle ? pool.pollIdle(loop, endpoint, protocol) : null;
        if (idle != null) { // the common case under load, without a promise and its listener
            connected(idle);
            return;
        }
        pool.acquire(loop, endpoint, allowIdle, protocol, connectTimeout).addListener(f -> {
            Lease lease = (Lease) f.getNow();
            if (lease != null) {
                connected(lease);
                return;
            }
            Throwable cause = f.cause();
            callback.attemptFailed(endpoint, cause);
            health.failed(endpoint);
            int condition = RetryPolicy.isTimeout(cause) ? NextUpstream.TIMEOUT : NextUpstream.ERROR;
            if (nextUpstream.has(condition) && canRetry()) { // nothing reached the pod: any method
                tries++;
                connect(pick(), true);
            } else {
                callback.failed(cause);
            }
        });
    }
}
