package dev.linnet.gateway.upstream;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Endpoint;
import io.netty.channel.EventLoop;
import java.time.Duration;

/**
 * The connection attempts of one request against one backend, counted against
 * {@code maxTries} (ingress-nginx's {@code proxy-next-upstream-tries}). Retries stay inside the
 * chosen backend, as ingress-nginx's do (canary-spec.md §3).
 *
 * <pre>
 *   first() ─▶ acquire(next endpoint) ──ok──▶ connected(lease)
 *                 │ refused / timeout
 *                 ▼
 *              tries left? ─yes─▶ acquire(next endpoint) …   ─no─▶ failed(last cause)
 *
 *   retryAfter(dead lease):  reused ─▶ same endpoint, fresh connection (not counted)
 *                            fresh  ─▶ next endpoint, counted; false when none is left
 * </pre>
 */
public final class Attempts {

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
    private int tries;

    public Attempts(UpstreamPool pool, EventLoop loop, Backend backend, int maxTries, Callback callback) {
        this(pool, loop, backend, maxTries, BackendProtocol.HTTP, null, callback);
    }

    /** @param protocol how to talk to the backend's pods (the route's {@code backend-protocol}) */
    public Attempts(UpstreamPool pool, EventLoop loop, Backend backend, int maxTries, BackendProtocol protocol,
            Callback callback) {
        this(pool, loop, backend, maxTries, protocol, null, callback);
    }

    /**
     * @param protocol how to talk to the backend's pods (the route's {@code backend-protocol})
     * @param connectTimeout the route's {@code proxy-connect-timeout}, or {@code null} for the
     *     pool's (the listener's {@code --connect-timeout})
     */
    public Attempts(UpstreamPool pool, EventLoop loop, Backend backend, int maxTries, BackendProtocol protocol,
            Duration connectTimeout, Callback callback) {
        this.protocol = requireNonNull(protocol, "protocol");
        this.connectTimeout = connectTimeout;
        this.pool = requireNonNull(pool, "pool");
        this.loop = requireNonNull(loop, "loop");
        this.backend = requireNonNull(backend, "backend");
        this.callback = requireNonNull(callback, "callback");
        if (maxTries < 1) {
            throw new IllegalArgumentException("maxTries: " + maxTries + " (expected: > 0)");
        }
        this.maxTries = maxTries;
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
        connect(backend.nextEndpoint(), true);
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
        if (tries >= maxTries) {
            return false;
        }
        tries++;
        connect(backend.nextEndpoint(), true);
        return true;
    }

    private void connect(Endpoint endpoint, boolean allowIdle) {
        callback.attempting(endpoint);
        Lease idle = allowIdle ? pool.pollIdle(loop, endpoint, protocol) : null;
        if (idle != null) { // the common case under load, without a promise and its listener
            callback.connected(idle);
            return;
        }
        pool.acquire(loop, endpoint, allowIdle, protocol, connectTimeout).addListener(f -> {
            Lease lease = (Lease) f.getNow();
            if (lease != null) {
                callback.connected(lease);
                return;
            }
            callback.attemptFailed(endpoint, f.cause());
            if (tries < maxTries) {
                tries++;
                connect(backend.nextEndpoint(), true);
            } else {
                callback.failed(f.cause());
            }
        });
    }
}
