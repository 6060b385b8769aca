package dev.linnet.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * The drain of one HTTP/2 connection ({@link DrainSignal}), the graceful GOAWAY of RFC 9113 §6.8:
 *
 * <pre>
 *   GO_AWAY ─▶ GOAWAY(2^31-1, NO_ERROR) + PING ──ack──▶ GOAWAY(last stream started) ─▶ close once its streams end
 *              "open no more streams"                   every stream the client sent before it read
 *                                                       the first GOAWAY has arrived by the ack: none refused
 *   CLOSE_IDLE, still no ack ─▶ GOAWAY(last stream started) ─▶ the same close
 * </pre>
 *
 * A single GOAWAY with the last stream id would refuse a stream already on its way; the client
 * may retry that one, but not every client does. The close is the frame codec's graceful one (it
 * waits for the open streams up to its {@code gracefulShutdownTimeoutMillis}, the grace), and
 * {@link ClientConnections} cuts what is left when the grace ends. A connection opened during the
 * shutdown delay gets the first GOAWAY with its first stream: told at once, it could never be
 * served (RFC 9113 §6.8: no new stream after a GOAWAY), and its client would loop reconnecting.
 */
final class GoAwayOnDrain extends ChannelInboundHandlerAdapter {

    private static final long PING = 0x6c696e6e6574L; // "linnet": our PING, told apart from the client's

    private boolean announced;
    private boolean closing;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ClientConnections.isDraining(ctx.channel())) {
            // Opened (or upgraded to h2) during the shutdown delay: served like an HTTP/1.1
            // connection then, what it sends before it reads the GOAWAY that its first stream brings.
            ctx.pipeline().get(Http2FrameCodec.class).connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamActive(Http2Stream stream) {
                    announce(ctx);
                }
            });
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DrainSignal.GO_AWAY) {
            announce(ctx);
        } else if (evt == DrainSignal.CLOSE_IDLE) {
            close(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (announced && msg instanceof Http2PingFrame ping && ping.ack() && ping.content() == PING) {
            close(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    private void announce(ChannelHandlerContext ctx) {
        if (announced || closing) {
            return;
        }
        announced = true;
        // The codec adds extraStreamIds * 2 to the last stream started and caps it at 2^31-1.
        ctx.write(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE));
        ctx.writeAndFlush(new DefaultHttp2PingFrame(PING));
    }

    private void close(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        closing = true;
        ctx.write(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)); // last stream id: the last one started
        ctx.close(); // the codec's graceful close: after the open streams, within the grace
    }
}
