package dev.linnet.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * TLS to the pods ({@code backend-protocol: HTTPS} and {@code GRPCS}) the way ingress-nginx does
 * it by default: the pod's certificate is not verified ({@code proxy_ssl_verify off}, pods mostly
 * serve self-signed certificates for their cluster-internal names) and no SNI is sent
 * ({@code proxy_ssl_server_name off}; the engine is created without a peer host). TLS 1.2 and 1.3.
 */
final class UpstreamTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private UpstreamTls() {
    }

    /** HTTP/1.1 over TLS; no ALPN, as nginx's proxy module sends none. */
    static SslContext http1() {
        return build(SslContextBuilder.forClient());
    }

    /** HTTP/2 over TLS: ALPN offers {@code h2} only (nginx's {@code grpc_pass grpcs://} does the same). */
    static SslContext http2() {
        return build(SslContextBuilder.forClient().applicationProtocolConfig(new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2)));
    }

    /**
     * The TLS handler of one connection. The handshake counts as part of connecting, as nginx's
     * {@code proxy_connect_timeout} covers it: a pod that never answers the ClientHello (say, one
     * that speaks plain HTTP) fails like a connect timeout, not after Netty's 10 s default.
     */
    static SslHandler handler(SslContext context, Channel ch, Duration connectTimeout) {
        SslHandler handler = context.newHandler(ch.alloc()); // no peer host: no SNI
        handler.setHandshakeTimeoutMillis(Math.max(1, connectTimeout.toMillis()));
        return handler;
    }

    /** As above, sending {@code serverName} as SNI (HTTPS auth services, as nginx's {@code proxy_ssl_server_name on}). */
    static SslHandler handler(SslContext context, Channel ch, Duration connectTimeout, String serverName, int port) {
        SslHandler handler = context.newHandler(ch.alloc(), serverName, port);
        handler.setHandshakeTimeoutMillis(Math.max(1, connectTimeout.toMillis()));
        return handler;
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.trustManager(InsecureTrustManagerFactory.INSTANCE).protocols(PROTOCOLS).build();
        } catch (SSLException e) {
            throw new IllegalStateException("upstream TLS context: " + e.getMessage(), e);
        }
    }
}
