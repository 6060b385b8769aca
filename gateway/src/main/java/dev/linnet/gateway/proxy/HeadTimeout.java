package dev.linnet.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clocks of a client connection while no Exchange runs, as nginx runs them: it sits before
 * the HTTP codec, so it sees the first byte of a request head, which the codec would hide.
 *
 * <pre>
 *   accepted ─────────────────────────────▶ HEAD: client_header_timeout (60 s) from accept
 *   response sent ─▶ IDLE: keepalive_timeout (75 s) ─first byte─▶ HEAD: client_header_timeout from that byte
 *   head decoded (FrontendHandler calls headReceived) ─▶ no clock here; Exchange times the body
 *   local answer (404, 503) after the body ─▶ BODY: client_body_timeout per silence, while it is read and dropped
 * </pre>
 *
 * The header clock is armed once and never pushed back by later bytes, so a slowloris client
 * trickling one byte every few seconds is cut when it runs out, like any other. Its cost is its
 * connection: the codec refuses a head past the size limits (414 / 431), no thread waits on it.
 * On expiry the connection is closed without an answer, as nginx does for
 * {@code client_header_timeout} (it logs a 408 but sends nothing: the client is not listening).
 */
final class HeadTimeout extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HeadTimeout.class);

    private enum State { REQUEST, IDLE, HEAD, BODY }

    private final long headNanos;
    private final long idleNanos;
    private final long bodyNanos;
    private ChannelHandlerContext ctx;
    private State state = State.REQUEST;
    private Deadline timer; // lazy: a keep-alive connection re-arms it per request without rescheduling

    HeadTimeout(Duration clientHeaderTimeout, Duration idleTimeout, Duration clientBodyTimeout) {
        this.headNanos = clientHeaderTimeout.toNanos();
        this.idleNanos = idleTimeout.toNanos();
        this.bodyNanos = clientBodyTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timer = new Deadline(ctx.executor(), Duration.ofNanos(headNanos), this::expired);
    }

    /**
     * The connection now waits for a request head: the first one of the connection
     * ({@code afterResponse} false: the header clock runs from now) or the next one on a
     * keep-alive connection (idle until its first byte).
     */
    void awaitHead(boolean afterResponse) {
        if (afterResponse) {
            arm(State.IDLE, idleNanos);
        } else {
            arm(State.HEAD, headNanos);
        }
    }

    /**
     * The gateway reads a request body only to drop it (a local answer waits for its end): each
     * silence may last {@code client_body_timeout}, as when the body goes upstream. Ends with
     * {@link #headReceived()} or the next {@link #awaitHead}.
     */
    void awaitDroppedBody() {
        arm(State.BODY, bodyNanos);
    }

    /** A whole head was decoded (or a dropped body ended): the clock stops. */
    void headReceived() {
        cancel();
        state = State.REQUEST;
    }

    /**
     * The drain: a connection idle between requests (no byte of the next one yet) closes after
     * {@code nanos} more of silence, if that is sooner than keepalive_timeout. A request that
     * arrives first is served (its response says Connection: close).
     */
    void shortenIdle(long nanos) {
        if (state == State.IDLE && nanos < idleNanos) {
            arm(State.IDLE, nanos);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
            arm(State.HEAD, headNanos);
        } else if (state == State.BODY && msg instanceof ByteBuf buf && buf.isReadable()) {
            arm(State.BODY, bodyNanos); // client_body_timeout is per silence, not for the whole body
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.stop(); // an upgrade replaced the HTTP/1.1 pipeline
    }

    private void arm(State next, long nanos) {
        state = next;
        timer.arm(nanos);
    }

    private void expired() {
        if (state == State.HEAD) {
            log.debug("client {} sent no complete request head in time (client_header_timeout): closing",
                    ctx.channel().remoteAddress());
        } else if (state == State.BODY) {
            log.debug("client {} stalled in a request body (client_body_timeout): closing", ctx.channel().remoteAddress());
        }
        ctx.close();
    }

    private void cancel() {
        timer.cancel();
    }
}
