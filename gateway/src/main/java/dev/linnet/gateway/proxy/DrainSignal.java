package dev.linnet.gateway.proxy;

/**
 * The user events {@link ClientConnections} fires down the pipeline of every client connection
 * during a graceful shutdown, one per step. They are the hook for every protocol handler that
 * keeps a connection open between messages:
 *
 * <pre>
 *   SIGTERM ─▶ GO_AWAY ─────── --shutdown-delay: listeners accept ───────▶ (SETTLE) ─▶ CLOSE_IDLE (listeners closed)
 *              HTTP/1.1: each response says Connection: close                 HTTP/1.1: idle connections close after
 *                                                                             a moment idle, Connection: close again
 *              HTTP/2: GOAWAY(2^31-1) + PING ─ack─▶ GOAWAY(last stream)     HTTP/2: GOAWAY(last) if not yet
 *              (clients move away while we still answer)                    busy ones end after their response
 * </pre>
 *
 * Closing an idle HTTP/1.1 connection races with a request the client may be sending on it
 * (RFC 9112 §9.6: it then sees a reset, and can't tell whether the request was processed), so
 * that close waits for the listeners to close, and then for a moment of silence on the connection
 * (a back-to-back client's next request is answered, with Connection: close, instead of reset).
 * SETTLE, in between, is {@link ClientConnections}' own (no event).
 *
 * <p>Tunnels (WebSocket, upgrades) ignore both: they may close themselves or are cut when the
 * grace ends. A handler that does not know an event passes it on. Handlers that need the state
 * rather than the event (a response head written later) ask {@link ClientConnections#isDraining}.
 */
public enum DrainSignal {
    /** Tell clients to go: {@code Connection: close} on HTTP/1.1 (a flag, no event needed), GOAWAY on HTTP/2. */
    GO_AWAY,
    /** The listeners closed: an HTTP/1.1 connection idle between requests closes after a moment of silence. */
    CLOSE_IDLE
}
