package dev.linnet.gateway.tls;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import javax.net.ssl.SSLSession;

/**
 * What a request learns about the TLS connection it came on: the SNI name the ClientHello named
 * and the session (client certificates). An HTTP/2 stream's TLS is its parent's, the connection.
 */
public final class TlsConnection {

    /** The ClientHello's server name, normalised; absent when the client sent none. */
    public static final AttributeKey<String> SERVER_NAME = AttributeKey.valueOf(TlsConnection.class, "serverName");

    private TlsConnection() {
    }

    /** The connection {@code channel} belongs to (itself, or an HTTP/2 stream's parent). */
    public static Channel connection(Channel channel) {
        return channel instanceof Http2StreamChannel && channel.parent() != null ? channel.parent() : channel;
    }

    /** The SNI name of the connection, or null (no SNI, or not TLS). */
    public static String serverName(Channel channel) {
        return connection(channel).attr(SERVER_NAME).get();
    }

    /** The TLS session of the connection, or null when it is not TLS. */
    public static SSLSession session(Channel channel) {
        SslHandler ssl = connection(channel).pipeline().get(SslHandler.class);
        return ssl == null ? null : ssl.engine().getSession();
    }
}
