package dev.linnet.gateway.proxy;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in a stream's pipeline: a stream error the frame codec found on the client's frames
 * (DATA after END_STREAM, a missing {@code :method}, {@code content-length} that the DATA frames
 * contradict, a window overflow) must reset the stream with that error's code (RFC 9113 §5.4.2):
 * {@code STREAM_CLOSED}, {@code PROTOCOL_ERROR}, {@code FLOW_CONTROL_ERROR}, as h2spec checks.
 *
 * <pre>
 *   codec: stream error ─▶ Http2MultiplexHandler ─▶ child pipeline: exceptionCaught ─▶ (here) stops
 *                                          └─ then closeWithError(code) ─▶ RST_STREAM(code)
 * </pre>
 *
 * If the frontend saw the error it would close the stream first, and a plain close resets with
 * {@code CANCEL}, or with nothing at all once the request had ended: the client then waited for
 * an answer that never came. The frontend learns of the end from {@code channelInactive}, as
 * for any reset.
 */
@Sharable
final class H2StreamError extends ChannelInboundHandlerAdapter {

    static final H2StreamError INSTANCE = new H2StreamError();

    private static final Logger log = LoggerFactory.getLogger(H2StreamError.class);

    private H2StreamError() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception error = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (error instanceof Http2Exception.StreamException) {
            // Only Http2MultiplexHandler fires a stream error into a child (exceptionCaught in
            // Netty 4.2), and it resets the stream with the error's code right after.
            log.debug("{}: {} {}", ctx.channel(), error.error(), error.getMessage());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
