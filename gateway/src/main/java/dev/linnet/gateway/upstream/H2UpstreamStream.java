package dev.linnet.gateway.upstream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The HTTP/2-specific part of one upstream stream, between the frame codec and the handlers that
 * speak HTTP objects:
 * <ul>
 *   <li>Every request carries {@code te: trailers}: gRPC servers require it (the gRPC HTTP/2
 *       protocol spec), and nginx's {@code grpc_pass} always sends it. The client's own {@code TE}
 *       was dropped as hop-by-hop.</li>
 *   <li>Netty's conversion adds {@code x-http2-stream-id} to the response head; it describes
 *       this hop only and is removed before the client could see it.</li>
 *   <li>A reset or GOAWAY arrives as a user event; it becomes the exception that tells the
 *       exchange why the stream ended: {@link UnprocessedStreamException} when the pod promised
 *       it did nothing (retryable), an {@code IOException} otherwise. A RST_STREAM with
 *       NO_ERROR after a complete response (RFC 9113 §8.1: "stop sending the body") is no
 *       failure; the stream just closes after its queued frames.</li>
 * </ul>
 */
final class H2UpstreamStream extends ChannelDuplexHandler {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpRequest request) {
            request.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response) {
            for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
                response.headers().remove(name.text());
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        try {
            if (evt instanceof Http2ResetFrame reset) {
                long code = reset.errorCode();
                if (code == Http2Error.REFUSED_STREAM.code()) {
                    ctx.fireExceptionCaught(new UnprocessedStreamException("upstream refused the stream"));
                } else if (code != Http2Error.NO_ERROR.code()) {
                    Http2Error error = Http2Error.valueOf(code);
                    ctx.fireExceptionCaught(new IOException("upstream reset the stream: " + (error == null ? code : error)));
                }
            } else if (evt instanceof Http2GoAwayFrame) {
                ctx.fireExceptionCaught(new UnprocessedStreamException("upstream sent GOAWAY before this stream"));
            } else {
                ctx.fireUserEventTriggered(ReferenceCountUtil.retain(evt));
            }
        } finally {
            ReferenceCountUtil.release(evt);
        }
    }
}
