package dev.linnet.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;

/**
 * The two request timeouts of one client connection (nginx's {@code proxy_read_timeout}, and
 * {@code proxy_send_timeout} / {@code client_body_timeout} for the body), kept across the
 * connection's requests. Their {@link Deadline}s are lazy, so a keep-alive connection serving
 * thousands of requests schedules a timer about once per timeout period instead of scheduling
 * and cancelling one per request.
 *
 * <p>Only the exchange that holds the timers may arm them or hear them expire: a finished
 * exchange's late arm (a write listener running after the end) is ignored and can never time
 * out the next request on the connection.
 *
 * <pre>
 *   hold(e) ─▶ e arms / disarms read and body ─▶ expiry ─▶ e.readTimedOut() / e.bodyTimedOut()
 *   release(e) ─▶ both disarmed, pending timers kept for the next request ─▶ close() drops them
 * </pre>
 */
final class ExchangeTimers {

    /** What an expiry calls; the exchange's handlers. */
    interface Owner {
        void readTimedOut();

        void bodyTimedOut();
    }

    private final Deadline read;
    private final Deadline body;
    private Owner owner;

    ExchangeTimers(EventExecutor loop) {
        // Every arm names its own timeout (routes differ); the constructor's is never used.
        this.read = new Deadline(loop, Duration.ZERO, () -> {
            if (owner != null) {
                owner.readTimedOut();
            }
        });
        this.body = new Deadline(loop, Duration.ZERO, () -> {
            if (owner != null) {
                owner.bodyTimedOut();
            }
        });
    }

    /** {@code next} holds the timers from now on; both start disarmed. */
    void hold(Owner next) {
        owner = next;
        read.cancel();
        body.cancel();
    }

    /** {@code done} lets go; both are disarmed (if it still held them). */
    void release(Owner done) {
        if (owner == done) {
            owner = null;
            read.cancel();
            body.cancel();
        }
    }

    void armRead(Owner by, long nanos) {
        if (owner == by) {
            read.arm(nanos);
        }
    }

    void cancelRead(Owner by) {
        if (owner == by) {
            read.cancel();
        }
    }

    void armBody(Owner by, long nanos) {
        if (owner == by) {
            body.arm(nanos);
        }
    }

    void cancelBody(Owner by) {
        if (owner == by) {
            body.cancel();
        }
    }

    /** The connection is gone: the pending timers go too. */
    void close() {
        owner = null;
        read.stop();
        body.stop();
    }
}
