package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.upstream.MessagePerRead;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * The HTTP/2 server pipeline: each stream becomes a child channel that speaks HTTP/1 objects and
 * ends in the same {@link FrontendHandler} as an HTTP/1.1 connection, so routing, the canary
 * split, retries, metrics and back-pressure are the HTTP/1.1 code, unchanged.
 *
 * <pre>
 *   connection:  bytes ─▶ h2 frames (Http2FrameCodec) ─▶ idle clock ─▶ multiplex ─┬─▶ stream 1 child channel
 *   (auto-read on: pings, SETTINGS and WINDOW_UPDATE must flow)                   ├─▶ stream 3 child channel
 *                                                                                 └─▶ …
 *   stream:      bytes ─▶ frames ─▶ HTTP objects ─▶ one request head ─▶ flow ─▶ frontend ─▶ Exchange
 *   (auto-read off) DATA    (server codec)   and its end           one message
 *                   counted                  (H2StreamRequest)     per read()
 * </pre>
 *
 * Errors (RFC 9113 §5.4): a stream error resets its stream with its own code ({@link H2StreamError}),
 * a connection error is GOAWAY and close, logged on one line ({@link H2ConnectionErrors}).
 *
 * Back-pressure: a stream channel with auto-read off keeps DATA frames it was not asked for in
 * its inbound queue, and Netty returns flow-control credit (WINDOW_UPDATE) only for frames the
 * child consumed; so a client can have at most one stream window of body unread per stream, and
 * one connection window over all streams (RFC 9113 §5.2), whatever the body size.
 */
final class Http2Pipeline {

    static final String H2_CODEC = "h2-codec";
    static final String H2_MULTIPLEX = "h2-multiplex";
    static final String H2_IDLE = "h2-idle";
    static final String H2_DRAIN = "h2-drain";
    static final String H2_ERRORS = "h2-errors";
    static final String STREAM_ERROR = "stream-error";
    static final String STREAM_CODEC = "stream-codec";
    static final String STREAM_REQUEST = "stream-request";

    /** Streams one client may have open at once; nginx's {@code http2_max_concurrent_streams} is 128. */
    static final int MAX_CONCURRENT_STREAMS = 128;

    /** Per-stream receive window: large enough for a fast upload, small enough to bound memory. */
    static final int STREAM_WINDOW = 256 * 1024;

    private Http2Pipeline() {
    }

    /**
     * Turns a connection's pipeline into the HTTP/2 server pipeline, at its end: for h2c with prior
     * knowledge (see {@link H2cPriorKnowledge}), and for a TLS connection once ALPN selected
     * {@code h2}. Call it on the channel's event loop.
     */
    static void http2(ChannelPipeline pipeline, ProxyContext context) {
        requireNonNull(pipeline, "pipeline");
        requireNonNull(context, "context");
        GatewayConfig config = context.config();
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .initialWindowSize(STREAM_WINDOW)
                        // The HTTP/1.1 header limit, so a header block too large gets 431 on both protocols.
                        .maxHeaderListSize(config.maxHeaderSize()))
                // Malformed requests are stream errors PROTOCOL_ERROR (RFC 9113 §8.1.1): no :method,
                // :scheme or :path, a pseudo-header in trailers, connection-specific fields; and
                // content-length that the DATA frames contradict (checked by the decoder, always).
                .validateHeaders(true)
                .validateRequiredPseudoHeaders(true)
                // Stream ids that go backwards, HEADERS after END_STREAM: RFC 9113's codes, not Netty's.
                .frameLogger(H2HeadersCheck.INSTANCE)
                // A drain closes the connection gracefully: GOAWAY, then open streams get the grace.
                .gracefulShutdownTimeoutMillis(config.shutdownGrace().toMillis())
                .build();
        pipeline.addLast(H2_CODEC, codec)
                .addLast(H2_IDLE, new H2IdleTimeout(codec.connection(), config.clientHeaderTimeout(),
                        config.idleTimeout()))
                .addLast(H2_MULTIPLEX, new Http2MultiplexHandler(new StreamInitializer(context)))
                .addLast(H2_DRAIN, new GoAwayOnDrain())
                .addLast(H2_ERRORS, H2ConnectionErrors.INSTANCE);
        // nginx_ingress_controller_nginx_process_connections counts connections, not streams.
        context.metrics().connectionOpened();
        pipeline.channel().closeFuture().addListener(f -> context.metrics().connectionClosed());
        // The connection itself must always read: flow control is per stream, in the child channels.
        pipeline.channel().config().setAutoRead(true);
    }

    /** The pipeline of one stream: one request, one response, then the stream ends. */
    private static final class StreamInitializer extends ChannelInitializer<Channel> {

        private final ProxyContext context;

        StreamInitializer(ProxyContext context) {
            this.context = context;
        }

        @Override
        protected void initChannel(Channel ch) {
            if (!(ch instanceof Http2StreamChannel)) {
                return;
            }
            // FrontendHandler asks for every message itself, as on an HTTP/1.1 connection.
            ch.config().setOption(ChannelOption.AUTO_READ, false);
            ch.pipeline()
                    .addLast(STREAM_ERROR, H2StreamError.INSTANCE) // first: sees only the codec's stream errors
                    .addLast(GatewayInitializer.BYTES, new ByteCounter()) // the size metrics, per stream
                    .addLast(STREAM_CODEC, new Http2StreamFrameToHttpObjectCodec(true))
                    .addLast(STREAM_REQUEST, new H2StreamRequest())
                    .addLast(GatewayInitializer.FLOW, new MessagePerRead())
                    .addLast(GatewayInitializer.FRONTEND, new FrontendHandler(context));
        }
    }
}
