package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clocks of an HTTP/2 connection while none of its streams is open, as {@link HeadTimeout}
 * runs them for HTTP/1.1 (which cannot see streams), and as nginx closes an HTTP/2 connection
 * with no stream after {@code keepalive_timeout}. It sits right after the frame codec:
 *
 * <pre>
 *   h2 chosen ─▶ FIRST: client_header_timeout for the preface, SETTINGS and a first stream
 *                (not pushed back by other frames: PINGs do not keep a silent client's connection)
 *   a stream opens ─▶ no clock here (each stream's exchange has its own)
 *   no stream open any more, or a frame while none is ─▶ IDLE: keepalive_timeout from then
 *   expired ─▶ close through the codec: GOAWAY(NO_ERROR), then the socket closes
 * </pre>
 *
 * Over TLS the handshake already runs under client_header_timeout (see {@link HttpsInitializer});
 * on the HTTP port {@link H2cPriorKnowledge} has read the preface under it. A client that opens
 * a connection and never asks for anything costs it for that long, no more.
 */
final class H2IdleTimeout extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(H2IdleTimeout.class);

    private final Http2Connection connection;
    private final Duration firstStreamTimeout;
    private final long idleNanos;
    private Deadline timer;
    private boolean streamOpened;

    H2IdleTimeout(Http2Connection connection, Duration clientHeaderTimeout, Duration idleTimeout) {
        this.connection = requireNonNull(connection, "connection");
        this.firstStreamTimeout = requireNonNull(clientHeaderTimeout, "clientHeaderTimeout");
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = new Deadline(ctx.executor(), firstStreamTimeout, () -> expired(ctx));
        timer.arm();
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                streamOpened = true;
                timer.cancel();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                armIfIdle();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        armIfIdle();
        ctx.fireChannelRead(msg);
    }

    private void armIfIdle() {
        if (streamOpened && connection.numActiveStreams() == 0) {
            timer.arm(idleNanos);
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        log.debug("HTTP/2 client {} {}: closing", ctx.channel().remoteAddress(),
                streamOpened ? "idle (keepalive_timeout)" : "sent no request in time (client_header_timeout)");
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.stop();
    }
}
