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

    private UpstreamListener listener;

    static UpstreamHandler of(Channel channel) {
        return (UpstreamHandler) channel.pipeline().get(NAME);
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
