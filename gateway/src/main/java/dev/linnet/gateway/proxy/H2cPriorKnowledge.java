package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cleartext HTTP/2 with prior knowledge (RFC 9113 §3.3) on the HTTP port: a client that knows the
 * server speaks h2c opens with the connection preface {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, a
 * line no HTTP/1.1 request can start with. This handler looks at the first bytes only until
 * they stop matching the preface, then replaces itself:
 *
 * <pre>
 *   first bytes ─▶ still a prefix of the preface? ─yes─▶ wait for more (client header timeout)
 *                        │ no                      │ whole preface
 *                        ▼                         ▼
 *                 HTTP/1.1 pipeline          HTTP/2 pipeline
 *   (either way the bytes seen so far are handed to the new codec when this handler leaves)
 * </pre>
 *
 * The h2c {@code Upgrade} dance from HTTP/1.1 (removed from HTTP/2 by RFC 9113) is not offered.
 */
final class H2cPriorKnowledge extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ProxyContext context;
    private ScheduledFuture<?> timer;

    H2cPriorKnowledge(ProxyContext context) {
        this.context = requireNonNull(context, "context");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            awaitBytes(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        awaitBytes(ctx);
        super.channelActive(ctx);
    }

    /** AUTO_READ is off on client connections: until a pipeline is chosen, this handler reads. */
    private void awaitBytes(ChannelHandlerContext ctx) {
        if (timer == null) {
            // Nobody may hold a connection open by sending half a preface (slowloris).
            timer = ctx.executor().schedule(() -> {
                ctx.close();
            }, context.config().clientHeaderTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        ctx.read();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, length)) {
            choose(ctx, false);
        } else if (length == PREFACE.readableBytes()) {
            choose(ctx, true);
        } else {
            ctx.read();
        }
    }

    private void choose(ChannelHandlerContext ctx, boolean http2) {
        timer.cancel(false);
        if (http2) {
            Http2Pipeline.http2(ctx.pipeline(), context);
        } else {
            GatewayInitializer.http1(ctx.pipeline(), context);
        }
        ctx.pipeline().remove(this); // hands the bytes read so far to the codec just added
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
