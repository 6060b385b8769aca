package dev.linnet.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: forwards to the exchange that leases it, or, while
 * the connection sits idle in the pool, treats any input as a reason to close (an upstream must
 * not talk unasked; a stray byte would corrupt the next response).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "upstream";

    private final boolean tls; // an HTTP/1.1 connection over TLS (backend-protocol HTTPS): pooled apart
    private final String serverName; // the SNI it was opened with (auth services), else null: pooled apart again
    private final UpstreamCodec codec; // the HTTP/1.1 codec in front, or null (an HTTP/2 stream)
    private UpstreamListener listener;

    UpstreamHandler() {
        this(false);
    }

    UpstreamHandler(boolean tls) {
        this(tls, null, null);
    }

    UpstreamHandler(boolean tls, String serverName, UpstreamCodec codec) {
        this.tls = tls;
        this.serverName = serverName;
        this.codec = codec;
    }

    /** Arms (or, with null, disarms) the codec's pass-through for the next response; nothing on HTTP/2. */
    void passThrough(PassPlan plan) {
        if (codec != null) {
            codec.passThrough(plan);
        }
    }

    String serverName() {
        return serverName;
    }

    /** The handler of a leased connection: always the pipeline's last, so found without a search. */
    static UpstreamHandler of(Channel channel) {
        return channel.pipeline().last() instanceof UpstreamHandler h ? h : (UpstreamHandler) channel.pipeline().get(NAME);
    }

    boolean tls() {
        return tls;
    }

    void listener(UpstreamListener listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener l = listener;
        if (l != null && msg instanceof HttpObject http) {
            l.onResponse(http);
            return;
        }
        ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        if (l != null) {
            l.onReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        listener = null;
        if (l != null) {
            l.onUpstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamListener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.onUpstreamClosed(cause);
        }
    }
}
