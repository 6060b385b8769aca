package dev.linnet.gateway.proxy;

import dev.linnet.gateway.route.RequestPath;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The header rewriting of both directions, as ingress-nginx's default template does it
 * ({@code use-forwarded-headers: false}, so nothing a client says about earlier hops is trusted).
 */
final class ProxyHeaders {

    // AsciiString names: hashed once, compared without decoding (they are set on every request).
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final HttpHeadersFactory UPSTREAM_HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withValidation(false);

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
     * 1.1} with an empty {@code Connection}), original Host kept, forwarded headers set. The client's
     * headers are copied once into a new, unvalidated header set (the decoder validated them; our own
     * values are addresses, ports and the request target), leaving out what is hop-by-hop, the
     * {@code Expect} answered at the front and every forwarded header a client may not set; then ours
     * are appended. One pass, no removals, no validation: this runs for every request.
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
        return toUpstream(client, clientAddress, listenerPort, tls, null);
    }

    /**
     * As above; {@code requestId} is the id already made for this request (an auth subrequest sent
     * it), or {@code null} to make one when the client sent none.
     */
    static HttpRequest toUpstream(HttpRequest client, String clientAddress, String listenerPort, boolean tls,
            CharSequence madeId) {
        HttpHeaders in = client.headers();
        List<String> named = HopByHop.namedByConnection(in); // usually empty
        HttpHeaders h = UPSTREAM_HEADERS.newHeaders();
        boolean requestId = false;
        CharSequence host = null;
        StringBuilder forwardedFor = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            switch (SpecialNames.of(name)) {
                case DROPPED -> { }
                case FORWARDED_FOR -> forwardedFor = (forwardedFor == null ? new StringBuilder() : forwardedFor.append(", "))
                        .append(e.getValue());
                case REQUEST_ID -> {
                    requestId = true; // the client's X-Request-ID is kept (ingress-nginx passes it on)
                    h.add(name, e.getValue());
                }
                case HOST -> {
                    host = host == null ? e.getValue() : host;
                    h.add(name, e.getValue());
                }
                case OTHER -> {
                    if (named.isEmpty() || !HopByHop.isNamed(named, name)) {
                        h.add(name, e.getValue());
                    }
                }
            }
        }
        if (!requestId) {
            h.add(X_REQUEST_ID, madeId != null ? madeId : RequestIds.next());
        }
        h.add(X_REAL_IP, clientAddress);
        if (forwardedFor != null) {
            h.add(X_ORIGINAL_FORWARDED_FOR, forwardedFor.toString());
        }
        h.add(X_FORWARDED_FOR, clientAddress);
        if (host != null) {
            h.add(X_FORWARDED_HOST, host);
        }
        h.add(X_FORWARDED_PORT, listenerPort);
        h.add(X_FORWARDED_PROTO, tls ? HTTPS : HTTP);
        h.add(X_SCHEME, tls ? HTTPS : HTTP);
        h.add(X_ORIGINAL_URI, client.uri()); // header values go out byte for byte: the client's bytes
        String target = RequestPath.escapeNonAscii(client.uri()); // the line is written as UTF-8
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), target, h);
    }

    /** How the copy treats a client header, by name (case-insensitive, one hash and one compare). */
    private enum SpecialNames {
        DROPPED, FORWARDED_FOR, REQUEST_ID, HOST, OTHER;

        private static final AsciiString[] NAMES = {
            // hop-by-hop (RFC 9110 §7.6.1, nginx's list), and Expect: 100-continue was answered at the front
            AsciiString.cached("connection"), AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
            AsciiString.cached("te"), AsciiString.cached("trailer"), AsciiString.cached("upgrade"),
            AsciiString.cached("proxy-authorization"), AsciiString.cached("expect"),
            // set by us from the connection; a client's value is never passed on (use-forwarded-headers: false)
            X_REAL_IP, X_ORIGINAL_FORWARDED_FOR, X_FORWARDED_HOST, X_FORWARDED_PORT, X_FORWARDED_PROTO, X_SCHEME,
            X_ORIGINAL_URI,
            X_FORWARDED_FOR, X_REQUEST_ID, AsciiString.cached("host")};
        private static final SpecialNames[] KINDS = {
            DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED,
            DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED,
            FORWARDED_FOR, REQUEST_ID, HOST};
        private static final int[] HASHES = new int[NAMES.length];

        static {
            for (int i = 0; i < NAMES.length; i++) {
                HASHES[i] = AsciiString.hashCode(NAMES[i]);
            }
        }

        static SpecialNames of(CharSequence name) {
            int hash = AsciiString.hashCode(name); // case-insensitive, cached by the decoder's AsciiString names
            for (int i = 0; i < NAMES.length; i++) {
                if (HASHES[i] == hash && NAMES[i].contentEqualsIgnoreCase(name)) {
                    return KINDS[i];
                }
            }
            return OTHER;
        }
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
        HopByHop.strip(h); // Server is ResponseHeaders' (server-tokens)
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

    /**
     * RFC 9112 §6.3: an HTTP/1.x request with neither Content-Length nor Transfer-Encoding has no
     * body, nor has one with Content-Length 0. Such a request's end is sent upstream with its head
     * (one send instead of two); the empty end the client's decoder produced is then only consumed.
     * An HTTP/2 stream always takes the general path: its end (END_STREAM) may come after the
     * headers whatever they announce, and must be timed like a body.
     */
    static boolean hasNoBody(HttpRequest head, io.netty.channel.Channel client) {
        if (client instanceof io.netty.handler.codec.http2.Http2StreamChannel) {
            return false; // END_STREAM may come later than the headers, whatever they announce
        }
        long length = HttpUtil.getContentLength(head, -1L);
        return length == 0 || length < 0 && !HttpUtil.isTransferEncodingChunked(head)
                && !head.headers().contains(io.netty.handler.codec.http.HttpHeaderNames.TRANSFER_ENCODING);
    }

    /**
     * nginx reads a request's trailers and drops them: none of the checks on request headers
     * (ssl-client-*, auth-response-headers, invalid names) ever saw these, so none goes upstream.
     */
    static void dropTrailers(io.netty.handler.codec.http.HttpContent piece) {
        if (piece instanceof io.netty.handler.codec.http.LastHttpContent last && !last.trailingHeaders().isEmpty()) {
            last.trailingHeaders().clear();
        }
    }
}
