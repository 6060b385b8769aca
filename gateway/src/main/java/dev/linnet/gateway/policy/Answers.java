package dev.linnet.gateway.policy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's own answers, for the proxy and for policies alike: small plain text naming the
 * status ({@code 403 Forbidden}), the built-in default backend's {@code default backend - 404},
 * and redirects without a body. Never an HTML page. The proxy adds {@code Connection: close} when
 * the connection ends with the answer, and the gateway's own headers ({@code Server}, HSTS,
 * {@code add-headers}: {@link dev.linnet.gateway.proxy.ResponseHeaders}) as it sends it.
 */
public final class Answers {

    private static final String TEXT_PLAIN = HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8";

    private Answers() {
    }

    /** {@code <code> <reason>} as plain text; 404 is the default backend's text. */
    public static FullHttpResponse status(ByteBufAllocator alloc, HttpResponseStatus status) {
        String text = status.code() == 404 ? "default backend - 404\n" : status.code() + " " + status.reasonPhrase() + "\n";
        return text(alloc, status, text);
    }

    /** {@code text} as a plain-text body. */
    public static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String text) {
        ByteBuf body = alloc.buffer(text.length());
        body.writeCharSequence(text, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /** A redirect with an empty body. */
    public static FullHttpResponse redirect(int code, String location) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.LOCATION, location)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /**
     * A 204 without body as nginx answers a CORS preflight: {@code Content-Length: 0} and no
     * Content-Type (annotations-spec.md §1.2, verified). A {@link NoContent}, so the HTTP/1.1
     * encoder keeps the length it drops from other 204s.
     */
    public static FullHttpResponse noContent() {
        FullHttpResponse response = new NoContent();
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0); // Server: as on every answer, by the proxy
        return response;
    }

    /** The gateway's own 204 ({@link #noContent()}): its {@code Content-Length: 0} is sent as nginx sends it. */
    public static final class NoContent extends DefaultFullHttpResponse {
        private NoContent() {
            super(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
        }
    }

    /**
     * nginx's {@code return 444}: no answer at all, the connection (HTTP/2: the stream) is closed.
     * Never sent: the proxy sees a {@link CloseConnection} and closes instead, logging status 444.
     */
    public static FullHttpResponse closeConnection() {
        return new CloseConnection();
    }

    /** What {@link #closeConnection()} answers: a marker for the proxy, never written. */
    public static final class CloseConnection extends DefaultFullHttpResponse {
        /** nginx's NGX_HTTP_CLOSE, the status its access log shows for such a request. */
        public static final int STATUS = 444;

        private CloseConnection() {
            super(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(STATUS), Unpooled.EMPTY_BUFFER);
        }
    }
}
