package dev.linnet.gateway.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The header rewriting of both directions, as ingress-nginx's default template does it
 * ({@code use-forwarded-headers: false}, so nothing a client says about earlier hops is trusted).
 */
final class ProxyHeaders {

    static final String X_REQUEST_ID = "x-request-id";
    static final String X_REAL_IP = "x-real-ip";
    static final String X_FORWARDED_FOR = "x-forwarded-for";
    static final String X_ORIGINAL_FORWARDED_FOR = "x-original-forwarded-for";
    static final String X_FORWARDED_HOST = "x-forwarded-host";
    static final String X_FORWARDED_PORT = "x-forwarded-port";
    static final String X_FORWARDED_PROTO = "x-forwarded-proto";
    static final String X_SCHEME = "x-scheme";
    static final String X_ORIGINAL_URI = "x-original-uri";

    private ProxyHeaders() {
    }

    /**
     * The request to send upstream: always HTTP/1.1 keep-alive (nginx's {@code proxy_http_version
     * 1.1} with an empty {@code Connection}), original Host kept, forwarded headers set. Takes
     * over {@code client}'s header object, which the caller must not use afterwards.
     */
    static HttpRequest toUpstream(HttpRequest client, String clientAddress, int listenerPort) {
        return toUpstream(client, clientAddress, listenerPort, false);
    }

    /** As above; {@code tls} says the client connection is HTTPS ({@code X-Forwarded-Proto: https}). */
    static HttpRequest toUpstream(HttpRequest client, String clientAddress, int listenerPort, boolean tls) {
        HttpHeaders h = client.headers();
        HopByHop.strip(h);
        h.remove(HttpHeaderNames.EXPECT); // 100-continue was answered at the front
        if (!h.contains(X_REQUEST_ID)) {
            h.set(X_REQUEST_ID, RequestIds.next());
        }
        h.set(X_REAL_IP, clientAddress);
        List<String> forwardedFor = h.getAll(X_FORWARDED_FOR);
        if (!forwardedFor.isEmpty()) {
            h.set(X_ORIGINAL_FORWARDED_FOR, String.join(", ", forwardedFor));
        }
        h.set(X_FORWARDED_FOR, clientAddress);
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        } else {
            h.remove(X_FORWARDED_HOST);
        }
        h.set(X_FORWARDED_PORT, listenerPort);
        h.set(X_FORWARDED_PROTO, tls ? "https" : "http");
        h.set(X_SCHEME, tls ? "https" : "http");
        h.set(X_ORIGINAL_URI, client.uri());
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), client.uri(), h);
    }

    /**
     * Cleans an upstream response for the client and decides whether the client connection stays
     * open after it. A response without length (close-delimited, from an HTTP/1.0 upstream) is
     * re-framed as chunked for an HTTP/1.1 client; an HTTP/1.0 client can only learn its end from
     * the close.
     *
     * @return whether the client connection may carry another request
     */
    static boolean toClient(HttpResponse response, HttpMethod requestMethod, HttpVersion clientVersion,
            boolean clientKeepAlive) {
        HttpHeaders h = response.headers();
        HopByHop.strip(h);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        boolean keepAlive = clientKeepAlive;
        if (!isFramed(response, requestMethod)) {
            if (clientVersion.equals(HttpVersion.HTTP_1_1)) {
                HttpUtil.setTransferEncodingChunked(response, true);
            } else {
                keepAlive = false;
            }
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!clientVersion.isKeepAliveDefault()) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return keepAlive;
    }

    /** Whether the end of the body is known without the connection closing. */
    static boolean isFramed(HttpResponse response, HttpMethod requestMethod) {
        int code = response.status().code();
        return requestMethod.equals(HttpMethod.HEAD) || code < 200 || code == 204 || code == 304
                || HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
    }
}
