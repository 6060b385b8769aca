package dev.linnet.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2DataFrame;

/**
 * Counts the client connection's bytes on the wire, head included: nginx's
 * {@code $request_length} and {@code $bytes_sent}, which the size metrics observe. Sits next to
 * the socket, so it sees exactly what is read and written; {@link #take} hands the counts since
 * the previous request to the exchange that just ended. Bytes of a pipelined next request read in
 * the same socket read are counted with the current one.
 *
 * <p>On an HTTP/2 stream it sits at the head of the stream's pipeline and counts the DATA
 * frames' bytes: the stream's body both ways (its HPACK-compressed headers are not seen there).
 */
final class ByteCounter extends ChannelDuplexHandler {

    private long read;
    private long written;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            read += buf.readableBytes();
        } else if (msg instanceof Http2DataFrame frame) {
            read += frame.content().readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            written += buf.readableBytes();
        } else if (msg instanceof Http2DataFrame frame) {
            written += frame.content().readableBytes();
        }
        ctx.write(msg, promise);
    }

    long read() {
        return read;
    }

    long written() {
        return written;
    }

    /** Resets both counts (after they were recorded for a request). */
    void reset() {
        read = 0;
        written = 0;
    }
}
