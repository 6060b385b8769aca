package dev.linnet.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.logging.LogLevel;

/**
 * Two checks on a client's HEADERS frame that Netty's decoder makes differently from RFC 9113
 * (and from nginx and Go's server, and h2spec):
 *
 * <ul>
 *   <li>HEADERS that would open a stream whose id is not above every stream the client opened
 *       before is a connection error {@code PROTOCOL_ERROR} (§5.1.1; nginx's
 *       {@code ngx_http_v2_state_headers}). Netty cannot tell it from a frame on a stream it
 *       closed and forgot, and answers both with a stream error, so the client may go on. Trailers
 *       of a live stream still find it: an id at or below the highest one opened with no live
 *       stream behind it is reused or out of order, and both end the connection.</li>
 *   <li>HEADERS on a stream whose request already ended is a stream error {@code STREAM_CLOSED}
 *       (§5.1, "half-closed (remote)"). Netty counts a request opened with END_STREAM as having
 *       received its headers twice and answers {@code PROTOCOL_ERROR}.</li>
 * </ul>
 *
 * <p>Why a frame logger: it is the one hook Netty's codec builder offers that sees an inbound
 * frame before the decoder's state checks (the header block is already decoded, so HPACK state
 * stays in step). It still logs every frame at TRACE, as its parent does.
 */
final class H2HeadersCheck extends Http2FrameLogger {

    static final H2HeadersCheck INSTANCE = new H2HeadersCheck();

    private H2HeadersCheck() {
        super(LogLevel.TRACE, H2HeadersCheck.class);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
            int padding, boolean endStream) {
        check(direction, ctx, streamId);
        super.logHeaders(direction, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
            int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
        check(direction, ctx, streamId);
        super.logHeaders(direction, ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
    }

    private static void check(Direction direction, ChannelHandlerContext ctx, int streamId) {
        if (direction != Direction.INBOUND) {
            return;
        }
        Http2Connection connection = ((Http2ConnectionHandler) ctx.handler()).connection();
        Http2Stream stream = connection.stream(streamId);
        if (stream == null && connection.remote().mayHaveCreatedStream(streamId)) {
            throwUnchecked(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "HEADERS for stream %d, not above the last stream opened (%d)", streamId,
                    connection.remote().lastStreamCreated()));
        } else if (stream != null && stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE && !stream.isResetSent()) {
            throwUnchecked(Http2Exception.streamError(streamId, Http2Error.STREAM_CLOSED,
                    "HEADERS for stream %d, whose request had ended", streamId));
        }
    }

    /**
     * The logger's methods declare no exception, the frame reader around them does: it must see
     * the {@link Http2Exception} itself, as from its own checks, so that a stream error leaves the
     * connection reading (a wrapped one would stop the reader for good).
     */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable e) throws T {
        throw (T) e;
    }
}
