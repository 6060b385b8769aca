package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.tls.SniMapping;
import dev.linnet.gateway.tls.TlsConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-side pipeline of the HTTPS listener:
 *
 * <pre>
 *   socket ─▶ bytes ─▶ sni ──────────────────────▶ alpn ─────────────────────▶ (removed)
 *             counted   reads the ClientHello,        after the handshake: the
 *             (metrics) replaces itself with the      chosen protocol's handlers
 *                       SslHandler of the host's      (GatewayInitializer.http1 for
 *                       certificate (SniMapping)      http/1.1, also when ALPN is absent)
 * </pre>
 *
 * With {@code use-proxy-protocol}, {@link ProxyProtocol} reads the PROXY header before the SNI
 * handler sees a byte. Channels run with AUTO_READ off, so the first read is asked for here; from then on the SNI
 * and TLS handlers read while they need bytes, and the frontend once it is in place. The frontend
 * sees an {@code SslHandler} in its pipeline: that is how it knows the request came over TLS
 * ({@code X-Forwarded-Proto: https}, no redirect to HTTPS).
 */
final class HttpsInitializer extends ChannelInitializer<Channel> {

    static final String SNI = "sni";
    static final String ALPN = "alpn";

    private final ProxyContext context;
    private final SniMapping certificates;

    HttpsInitializer(ProxyContext context, SniMapping certificates) {
        this.context = requireNonNull(context, "context");
        this.certificates = requireNonNull(certificates, "certificates");
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(GatewayInitializer.BYTES, new ByteCounter())
                // The ClientHello and the handshake get client_header_timeout, as in nginx (its SSL
                // handshake runs under that timer): a client that opens the port and stays silent
                // costs its connection for that long, no more.
                .addLast(SNI, new NamingSniHandler(certificates, context.config().clientHeaderTimeout().toMillis()))
                .addLast(ALPN, new ProtocolSwitch(context));
        ProxyProtocol.addFirstIfRequired(ch.pipeline(), context.config().clientTrust()); // before the ClientHello
    }

    /**
     * Keeps the ClientHello's server name on the connection: a host that verifies client
     * certificates answers 421 when a request names another host than the one the handshake was
     * for ({@code ClientCertAuth}).
     */
    private static final class NamingSniHandler extends SniHandler {

        NamingSniHandler(SniMapping mapping, long handshakeTimeoutMillis) {
            super(mapping, handshakeTimeoutMillis);
        }

        @Override
        protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext)
                throws Exception {
            if (hostname != null) {
                ctx.channel().attr(TlsConnection.SERVER_NAME).set(RouteTable.normaliseHost(hostname));
            }
            super.replaceHandler(ctx, hostname, sslContext);
        }
    }

    /** Adds the pipeline of the protocol ALPN chose, then steps aside. */
    private static final class ProtocolSwitch extends ApplicationProtocolNegotiationHandler {

        private static final Logger log = LoggerFactory.getLogger(ProtocolSwitch.class);

        private final ProxyContext context;

        ProtocolSwitch(ProxyContext context) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.context = context;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.read(); // AUTO_READ is off: the ClientHello has to be asked for
            super.channelActive(ctx);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                GatewayInitializer.http1(ctx.pipeline(), context);
            } else if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                Http2Pipeline.http2(ctx.pipeline(), context);
            } else { // only what Alpn.PROTOCOLS offers can be chosen
                throw new IllegalStateException("ALPN chose " + protocol + " (expected: one of Alpn.PROTOCOLS)");
            }
        }

        /** Scanners and clients that distrust the certificate fail here all day: not a warning. */
        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
