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
import io.netty.util.AsciiString;

/**
 * The header rewriting of both directions, as ingress-nginx's default template does it
 * ({@code use-forwarded-headers: false}, so nothing a client says about earlier hops is trusted).
 */
final class ProxyHeaders {

    // AsciiString names: hashed once, compared without decoding (they are set on every request).
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_ORIGINAL_FORWARDED_FOR = AsciiString.cached("x-original-forwarded-for");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_SCHEME = AsciiString.cached("x-scheme");
    static final AsciiString X_ORIGINAL_URI = AsciiString.cached("x-original-uri");

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
        return toUpstream(client, clientAddress, String.valueOf(listenerPort), tls);
    }

    /** As above, with the listener port already a string (the frontend keeps it per connection). */
    static HttpRequest toUpstream(HttpRequest client, String clientAddress, String listenerPort, boolean tls) {
        HttpHeaders h = client.headers();
        HopByHop.strip(h);
        h.remove(HttpHeaderNames.EXPECT); // 100-continue was answered at the front
        if (!h.contains(X_REQUEST_ID)) {
            h.set(X_REQUEST_ID, RequestIds.next());
        }
        h.set(X_REAL_IP, clientAddress);
        if (h.contains(X_FORWARDED_FOR)) { // getAll() allocates even when there is none
            h.set(X_ORIGINAL_FORWARDED_FOR, String.join(", ", h.getAll(X_FORWARDED_FOR)));
        }
        h.set(X_FORWARDED_FOR, clientAddress);
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        } else {
            h.remove(X_FORWARDED_HOST);
        }
        h.set(X_FORWARDED_PORT, listenerPort);
        h.set(X_FORWARDED_PROTO, tls ? HTTPS : HTTP);
        h.set(X_SCHEME, tls ? HTTPS : HTTP);
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
