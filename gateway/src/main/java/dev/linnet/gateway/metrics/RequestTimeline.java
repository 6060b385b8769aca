package dev.linnet.gateway.metrics;

import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import io.netty.handler.codec.http.HttpMethod;

/**
 * What the proxy noted about one request: timestamps per {@link Phase} and a few facts. Created
 * and filled on the request's event loop, handed to {@link GatewayMetrics#record} once, at the
 * end; it carries no label strings, so filling it costs a few field writes.
 */
public final class RequestTimeline {

    private static final Phase[] PHASES = Phase.values();

    private final long[] at = new long[PHASES.length];
    private final HttpMethod method;
    private Route route;
    private Decision decision;
    private int canaryIndex; // which of the route's canaries served (linnet.dev/multi-canary); 0 otherwise
    private int status;
    private int attempts;
    private int connectFailures;
    private long requestBytes;
    private long responseBytes;

    private RequestTimeline(HttpMethod method, long receivedNanos) {
        this.method = method;
        at[Phase.RECEIVED.ordinal()] = receivedNanos;
    }

    /** A timeline whose {@link Phase#RECEIVED} is now. */
    public static RequestTimeline start(HttpMethod method) {
        return new RequestTimeline(method, System.nanoTime());
    }

    public void mark(Phase phase) {
        at[phase.ordinal()] = System.nanoTime();
    }

    /** The route and the split that chose the backend; unset for a request no route matched (404). */
    public void routed(Route route, Decision decision) {
        routed(route, decision, 0);
    }

    /** As {@link #routed(Route, Decision)}, on a route with several canaries: {@code canaryIndex} served. */
    public void routed(Route route, Decision decision, int canaryIndex) {
        this.route = route;
        this.decision = decision;
        this.canaryIndex = canaryIndex;
    }

    /** An upstream attempt begins: another {@link Phase#ATTEMPT}. */
    public void attempt() {
        attempts++;
        mark(Phase.ATTEMPT);
    }

    public void connectFailed() {
        connectFailures++;
    }

    /** The status the client got; the first value set sticks (an upstream's, or our own answer). */
    public void status(int code) {
        if (status == 0) {
            this.status = code;
        }
    }

    /** Bytes read from and written to the client for this request, on the wire (head included). */
    public void bytes(long read, long written) {
        this.requestBytes = read;
        this.responseBytes = written;
    }

    // ---- read by the metrics side ----

    boolean has(Phase phase) {
        return at[phase.ordinal()] != 0;
    }

    /** Seconds from {@code from} to {@code to}; both must be marked. */
    double seconds(Phase from, Phase to) {
        return (at[to.ordinal()] - at[from.ordinal()]) / 1e9;
    }

    HttpMethod method() {
        return method;
    }

    Route route() {
        return route;
    }

    Decision decision() {
        return decision;
    }

    int canaryIndex() {
        return canaryIndex;
    }

    int status() {
        return status;
    }

    int attempts() {
        return attempts;
    }

    int connectFailures() {
        return connectFailures;
    }

    long requestBytes() {
        return requestBytes;
    }

    long responseBytes() {
        return responseBytes;
    }
}
