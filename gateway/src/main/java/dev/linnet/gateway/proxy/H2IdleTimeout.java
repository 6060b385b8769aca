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
 * The clocks of an HTTP/2 connection while none of its streams is open, as nginx runs them
 * (its {@code keepalive_timeout} closes an HTTP/2 connection with no stream, the HTTP/1.1
 * {@link HeadTimeout} cannot see streams). It sits right after the frame codec:
 *
 * <pre>
 *   h2 chosen ─▶ PREFACE: client_header_timeout until the client's preface and SETTINGS
 *   a frame while no stream is open ─▶ IDLE: keepalive_timeout, again from each such frame
 *   a stream opens ─▶ no clock here (each stream's exchange has its own)
 *   expired ─▶ close through the codec: GOAWAY(NO_ERROR), then the socket closes
 * </pre>
 *
 * Over TLS the handshake already runs under client_header_timeout (see {@link HttpsInitializer});
 * on the HTTP port {@link H2cPriorKnowledge} has read the preface under it. A client that opens
 * a connection and never speaks costs it for that long, no more.
 */
final class H2IdleTimeout extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(H2IdleTimeout.class);

    private final Http2Connection connection;
    private final Duration prefaceTimeout;
    private final long idleNanos;
    private Deadline timer;
    private boolean prefaceReceived;

    H2IdleTimeout(Http2Connection connection, Duration clientHeaderTimeout, Duration idleTimeout) {
        this.connection = requireNonNull(connection, "connection");
        this.prefaceTimeout = requireNonNull(clientHeaderTimeout, "clientHeaderTimeout");
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = new Deadline(ctx.executor(), prefaceTimeout, () -> expired(ctx));
        timer.arm();
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                timer.cancel();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                armIfIdle();
            }
        });
    }

    /** The codec passes nothing on before the client's preface and SETTINGS were valid. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        prefaceReceived = true;
        armIfIdle();
        ctx.fireChannelRead(msg);
    }

    private void armIfIdle() {
        if (prefaceReceived && connection.numActiveStreams() == 0) {
            timer.arm(idleNanos);
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        log.debug("HTTP/2 client {} {}: closing", ctx.channel().remoteAddress(),
                prefaceReceived ? "idle (keepalive_timeout)" : "sent no preface in time (client_header_timeout)");
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
