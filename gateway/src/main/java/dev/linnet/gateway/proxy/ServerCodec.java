package dev.linnet.gateway.proxy;

import dev.linnet.gateway.policy.Answers;
import dev.linnet.gateway.upstream.PassedBody;
import dev.linnet.gateway.upstream.PassedHead;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The client side's HTTP/1.1 codec: Netty's {@code HttpServerCodec} (final, so rebuilt here) with
 * {@link NginxRequestDecoder} as its decoder. The encoder learns each request's method from a
 * queue the decoder fills, so the answer to a HEAD or a CONNECT is framed right. An interim answer
 * (our {@code 100 Continue}) takes no method from the queue: it is not the request's answer, and
 * taking one would shift every later response by one. A passed-through response
 * ({@link PassedHead}, {@link PassedBody}) is written as the bytes it already is; its head takes
 * its method from the queue like any other answer.
 */
final class ServerCodec extends CombinedChannelDuplexHandler<NginxRequestDecoder, HttpResponseEncoder> {

    private final Encoder encoder;

    ServerCodec(HttpDecoderConfig config) {
        Queue<HttpMethod> methods = new ArrayDeque<>(2);
        encoder = new Encoder(methods);
        init(new NginxRequestDecoder(config, methods), encoder);
    }

    /** Response body bytes encoded since the last call (nginx's {@code $body_bytes_sent}, framing aside). */
    long takeBodyBytes() {
        long n = encoder.bodyBytes;
        encoder.bodyBytes = 0;
        return n;
    }

    private static final class Encoder extends HttpResponseEncoder {

        private final Queue<HttpMethod> methods;
        private HttpMethod method;
        private long bodyBytes;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof PassedHead head) { // bytes ready for the wire: the request's answer all the same
                methods.poll();
                bodyBytes += head.bodyBytes();
                ctx.write(head.content(), promise);
                return;
            }
            if (msg instanceof HttpContent content) {
                bodyBytes += content.content().readableBytes();
                if (msg instanceof PassedBody) {
                    ctx.write(content.content(), promise);
                    return;
                }
            }
            super.write(ctx, msg, promise);
        }

        Encoder(Queue<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 9110 §9.3.6: a tunnel, no body framing
                return;
            }
            if (msg instanceof Answers.NoContent) { // a CORS preflight: nginx sends Content-Length: 0
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            int code = msg.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                return true; // interim: the request's own answer is still to come
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
