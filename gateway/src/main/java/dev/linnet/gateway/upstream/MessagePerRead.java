package dev.linnet.gateway.upstream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * With AUTO_READ off, delivers exactly one decoded message per {@code read()}: a socket read may
 * decode into a head and several body pieces, and without this the extra pieces would arrive
 * unasked and defeat back-pressure. Used on both client and upstream connections.
 *
 * <p>Why not Netty's {@code FlowControlHandler}: in 4.2 it forgets a {@code read()} that is
 * issued from inside {@code channelRead} (as our write listeners do when a write completes at
 * once), because the {@code channelReadComplete} that follows resets its demand counter; the
 * next message then sits in its queue forever. Here demand is a flag that only a delivered
 * message clears.
 *
 * <pre>
 *   read()        ─▶ queued message? ─yes─▶ deliver one
 *                                    └─no──▶ demand = true, read the socket
 *   channelRead   ─▶ queue it ─▶ demand? ─yes─▶ demand = false, deliver one
 *   inactive      ─▶ deliver what is queued (a close-delimited body ends here), then inactive
 * </pre>
 *
 * On a client connection, what is delivered at the close is requests pipelined behind the one
 * that closed it: the frontend drops them (issue 14), it never starts an exchange on a closed
 * connection.
 */
public final class MessagePerRead extends ChannelDuplexHandler {

    private final ArrayDeque<Object> queue = new ArrayDeque<>(4);
    private boolean demand;

    @Override
    public void read(ChannelHandlerContext ctx) {
        Object msg = queue.poll();
        if (msg != null) {
            ctx.fireChannelRead(msg);
            ctx.fireChannelReadComplete();
        } else {
            demand = true;
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        queue.add(msg);
        if (demand) {
            demand = false;
            ctx.fireChannelRead(queue.poll());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Object msg;
        while (ctx.channel().eventLoop().inEventLoop() && (msg = queue.poll()) != null) {
            ctx.fireChannelRead(msg);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Object msg;
        while ((msg = queue.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
