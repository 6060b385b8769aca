package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.upstream.MessagePerRead;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * The whole client-side pipeline, on one screen:
 *
 * <pre>
 *   socket ─▶ bytes ─▶ codec ─▶ flow ─▶ frontend ─▶ Exchange ─▶ upstream pool
 *             counted   HTTP/1.1  one message  route, split, local answers,
 *             (metrics) framing,  per read()   100-continue answered here
 *                       nginx's
 *                       refusals
 * </pre>
 *
 * The child channels run with AUTO_READ off (see {@link GatewayServer}); together with the flow
 * handler this is what makes back-pressure exact.
 *
 * <p>Between the byte counter and the codec, {@link H2cPriorKnowledge} first looks for the HTTP/2
 * preface and installs either these HTTP/1.1 handlers or {@link Http2Pipeline#http2}. With
 * {@code use-proxy-protocol} (read when the connection is accepted), {@link ProxyProtocol}'s two
 * handlers come first and leave after the PROXY header.
 */
final class GatewayInitializer extends ChannelInitializer<Channel> {

    static final String BYTES = "bytes";
    static final String HEAD_TIMEOUT = "headTimeout";
    static final String DETECT = "detect-h2c";
    static final String CODEC = "codec";
    static final String FLOW = "flow";
    static final String FRONTEND = "frontend";

    /** Body pieces up to 64 KiB: few enough writes for a 200 MiB body, still a flat footprint. */
    static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final ProxyContext context;

    GatewayInitializer(ProxyContext context) {
        this.context = requireNonNull(context, "context");
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(BYTES, new ByteCounter());
        ch.pipeline().addLast(DETECT, new H2cPriorKnowledge(context)); // then http1(…) or Http2Pipeline.http2(…)
        ProxyProtocol.addFirstIfRequired(ch.pipeline(), context.config().clientTrust()); // use-proxy-protocol
    }

    /**
     * Adds the HTTP/1.1 handlers, codec to frontend, at the end of {@code pipeline}: the whole
     * pipeline of a plain connection after the byte counter, and of a TLS connection once ALPN
     * (or its absence) chose HTTP/1.1.
     */
    static void http1(ChannelPipeline pipeline, ProxyContext context) {
        GatewayConfig config = context.config();
        pipeline.addLast(HEAD_TIMEOUT, new HeadTimeout(config.clientHeaderTimeout(), config.idleTimeout(),
                config.clientBodyTimeout()));
        pipeline.addLast(CODEC, new ServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(config.maxInitialLineLength())
                        .setMaxHeaderSize(config.maxHeaderSize())
                        .setMaxChunkSize(MAX_CHUNK_SIZE)))
                .addLast(FLOW, new MessagePerRead())
                .addLast(FRONTEND, new FrontendHandler(context));
    }
}
