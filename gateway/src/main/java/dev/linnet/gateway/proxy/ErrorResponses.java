package dev.linnet.gateway.proxy;

import dev.linnet.gateway.policy.Answers;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * The answers the gateway gives itself: the built-in default backend (404, like ingress-nginx's
 * {@code default backend - 404}) and the error statuses of the behaviour contract, as
 * {@link Answers} makes them.
 */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status, boolean keepAlive) {
        FullHttpResponse response = Answers.status(alloc, status);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** The status for a request the decoder rejected: 414 / 431 for the size limits, else 400. */
    static HttpResponseStatus forDecoderFailure(DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof NginxRequestDecoder.UnknownTransferEncodingException) {
            return HttpResponseStatus.NOT_IMPLEMENTED;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }
}
