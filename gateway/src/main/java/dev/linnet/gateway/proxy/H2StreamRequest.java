package dev.linnet.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Makes a request decoded from an HTTP/2 stream look like one from the HTTP/1.1 codec, which is
 * what {@link FrontendHandler} and {@link Exchange} expect.
 *
 * <ul>
 *   <li>A HEADERS frame that ends the stream decodes as a {@code FullHttpRequest}; the frontend
 *       takes a full request for a decoder failure, so it becomes a head and its (empty) end.</li>
 *   <li>Netty's conversion adds {@code x-http2-stream-id} and {@code x-http2-scheme}: they
 *       describe this hop only and must not reach the upstream.</li>
 * </ul>
 *
 * What Netty's conversion already does, and why it is not repeated here: {@code :authority}
 * becomes {@code Host} (RFC 9113 §8.3.1), several {@code cookie} fields are joined with
 * {@code "; "} into one (RFC 9113 §8.2.3, needed for an HTTP/1.1 upstream and for canary cookie
 * matching), and connection-specific headers never reach an HTTP/2 client (RFC 9113 §8.2.2).
 */
final class H2StreamRequest extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest full) {
            stripExtensionHeaders(full.headers());
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            head.setDecoderResult(full.decoderResult());
            LastHttpContent end = new DefaultLastHttpContent(full.content()); // takes over the content
            end.trailingHeaders().set(full.trailingHeaders());
            ctx.fireChannelRead(head);
            ctx.fireChannelRead(end);
        } else {
            if (msg instanceof HttpRequest request) {
                stripExtensionHeaders(request.headers());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static void stripExtensionHeaders(HttpHeaders headers) {
        for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
            headers.remove(name.text());
        }
    }
}
