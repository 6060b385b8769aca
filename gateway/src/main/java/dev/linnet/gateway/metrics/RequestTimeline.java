package dev.linnet.gateway.metrics;

import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import io.netty.handler.codec.http.HttpMethod;

/**
 * What the proxy noted about one request: timestamps per {@link Phase} and a few facts. Created
 * and filled on the request's event loop, handed to {@link GatewayMetrics#record} once, at the
 * end; it carries no label strings, so filling it costs a few field writes. The access log reads
 * it too, on its writer thread, once the request is over and nothing writes it any more: besides
 * the phases of the last attempt it keeps one {@link UpstreamTry} per attempt (nginx's
 * {@code $upstream_addr}, {@code _status}, {@code _response_time} lists).
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
    private long bodyBytes;
    private UpstreamTry lastTry; // null until an attempt named its endpoint
    private UpstreamTry[] earlierTries; // the tries before lastTry, only after a retry

    private RequestTimeline(HttpMethod method, long receivedNanos) {
        this.method = method;
        at[Phase.RECEIVED.ordinal()] = receivedNanos;
    }

    /** A timeline whose {@link Phase#RECEIVED} is now. */
    public static RequestTimeline start(HttpMethod method) {
        return new RequestTimeline(method, System.nanoTime());
    }

    public void mark(Phase phase) {
        long now = System.nanoTime();
        at[phase.ordinal()] = now;
        UpstreamTry current = lastTry;
        if (current != null) {
            switch (phase) {
                case CONNECTED -> current.connected = now;
                case UPSTREAM_HEADERS -> current.header = now;
                case UPSTREAM_END -> current.end = now;
                default -> { }
            }
        }
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

    /** An upstream attempt on {@code endpoint} begins; the one before, if any, is over. */
    public void attempt(Endpoint endpoint) {
        attempt();
        long now = at[Phase.ATTEMPT.ordinal()];
        UpstreamTry previous = lastTry;
        if (previous != null) {
            previous.endIfOpen(now);
            int n = earlierTries == null ? 0 : earlierTries.length;
            earlierTries = earlierTries == null ? new UpstreamTry[1] : java.util.Arrays.copyOf(earlierTries, n + 1);
            earlierTries[n] = previous;
        }
        lastTry = new UpstreamTry(endpoint, now);
    }

    public void connectFailed() {
        connectFailures++;
    }

    /** The current attempt could not connect: nginx notes 502 for it, 504 when it timed out. */
    public void connectFailed(boolean timedOut) {
        connectFailed();
        upstreamStatus(timedOut ? 504 : 502);
    }

    /**
     * The current attempt's outcome as nginx notes it in {@code $upstream_status}: the status of
     * its response head (also one that is retried), or 502 / 504 for an error or a timeout. The
     * first value set sticks.
     */
    public void upstreamStatus(int code) {
        UpstreamTry current = lastTry;
        if (current != null && current.status == 0) {
            current.status = code;
        }
    }

    /** Response body bytes the current attempt delivered ({@code $upstream_response_length}). */
    public void upstreamBody(long bytes) {
        UpstreamTry current = lastTry;
        if (current != null) {
            current.bytes += bytes;
        }
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

    /** Response body bytes sent to the client ({@code $body_bytes_sent}). */
    public void bodyBytes(long sent) {
        this.bodyBytes = sent;
    }

    // ---- read by the access log (its writer thread, after the request ended) ----

    /** Nanoseconds from the request head to {@link Phase#DONE} ({@code $request_time}). */
    public long requestNanos() {
        return at[Phase.DONE.ordinal()] - at[Phase.RECEIVED.ordinal()];
    }

    /** When the request ended ({@link Phase#DONE}), as {@link System#nanoTime()}: the end of a try left open. */
    public long doneNanos() {
        return at[Phase.DONE.ordinal()];
    }

    /** The status the client got; 0 when the request was cut before any answer. */
    public int clientStatus() {
        return status;
    }

    public Route routed() {
        return route;
    }

    public Decision splitDecision() {
        return decision;
    }

    /** Which of the route's canaries served ({@link #splitDecision()} says whether one did). */
    public int servedCanary() {
        return canaryIndex;
    }

    public long bytesRead() {
        return requestBytes;
    }

    public long bytesWritten() {
        return responseBytes;
    }

    public long bodyBytesSent() {
        return bodyBytes;
    }

    /** The upstream attempts, first to last; empty when the request never went upstream. */
    public UpstreamTry[] tries() {
        if (lastTry == null) {
            return UpstreamTry.NONE;
        }
        if (earlierTries == null) {
            return new UpstreamTry[] {lastTry};
        }
        UpstreamTry[] all = java.util.Arrays.copyOf(earlierTries, earlierTries.length + 1);
        all[earlierTries.length] = lastTry;
        return all;
    }

    /**
     * One upstream attempt: nginx's {@code u->state} entry. Times are {@link System#nanoTime()}
     * values, 0 when the moment never came.
     */
    public static final class UpstreamTry {
        static final UpstreamTry[] NONE = new UpstreamTry[0];

        private final Endpoint endpoint;
        private final long start;
        private long connected;
        private long header;
        private long end;
        private int status;
        private long bytes;

        UpstreamTry(Endpoint endpoint, long start) {
            this.endpoint = endpoint;
            this.start = start;
        }

        void endIfOpen(long now) {
            if (end == 0) {
                end = now;
            }
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        public long start() {
            return start;
        }

        public long connected() {
            return connected;
        }

        public long header() {
            return header;
        }

        public long end() {
            return end;
        }

        /** The status nginx notes for the attempt; 0 for none ({@code -}). */
        public int status() {
            return status;
        }

        public long bytes() {
            return bytes;
        }
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
