package dev.linnet.gateway.proxy;

import dev.linnet.gateway.policy.ClientView;
import dev.linnet.gateway.policy.ExternalAuth.SetHeader;
import dev.linnet.gateway.policy.RequestContext;
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
 * The header rewriting of both directions, as ingress-nginx's template does it; what a client says
 * about earlier hops counts only as far as the ConfigMap trusts it ({@link ClientTrust}).
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
    static final AsciiString X_FORWARDED_SCHEME = AsciiString.cached("x-forwarded-scheme");
    static final AsciiString X_SCHEME = AsciiString.cached("x-scheme");
    static final AsciiString X_ORIGINAL_FORWARDED_HOST = AsciiString.cached("x-original-forwarded-host");
    static final AsciiString X_ORIGINAL_URI = AsciiString.cached("x-original-uri");

    private ProxyHeaders() {
    }

    /**
     * The request to send upstream: always HTTP/1.1 keep-alive (nginx's {@code proxy_http_version
     * 1.1} with an empty {@code Connection}) with ingress-nginx's headers (annotations-spec.md §3.1).
     * The client's headers are copied once into a new, unvalidated header set (the decoder validated
     * them; our own values are addresses, ports, the request target and ConfigMap values checked by
     * the controller), leaving out what is hop-by-hop, the {@code Expect} answered at the front,
     * {@code Proxy} (HTTPoxy) and every header nginx sets itself; then ours are appended. One pass,
     * no removals, no validation: this runs for every request.
     *
     * @param view the client as §4 computes it ({@link ClientAddresses})
     * @param hop the immediate peer's address (the TCP peer, or the PROXY source): what
     *     {@code compute-full-forwarded-for} appends
     * @param requestId {@code $req_id}; empty: no {@code X-Request-ID}
     * @param context the request, for the variables of {@code proxy-set-headers}; {@code null} in unit tests
     */
    static HttpRequest toUpstream(HttpRequest client, ClientView view, String hop, ClientTrust trust,
            CharSequence requestId, RequestContext context) {
        HttpHeaders in = client.headers();
        List<String> named = HopByHop.namedByConnection(in); // usually empty
        HttpHeaders h = UPSTREAM_HEADERS.newHeaders();
        if (!view.host().isEmpty()) {
            h.add(HttpHeaderNames.HOST, view.host()); // $best_http_host: a trusted X-Forwarded-Host, else as sent
        }
        StringBuilder forwardedFor = null;
        StringBuilder forwardedHost = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            switch (SpecialNames.of(name)) {
                case DROPPED, HOST -> { }
                case FORWARDED_FOR -> forwardedFor = join(forwardedFor, e.getValue());
                case FORWARDED_HOST -> forwardedHost = join(forwardedHost, e.getValue());
                case ORIGINAL_URI -> {
                    if (!trust.originalUriHeader()) {
                        h.add(name, e.getValue()); // nginx sets it only when asked to; else it is the client's
                    }
                }
                case OTHER -> {
                    if (named.isEmpty() || !HopByHop.isNamed(named, name)) {
                        h.add(name, e.getValue());
                    }
                }
            }
        }
        if (requestId.length() > 0) {
            h.add(X_REQUEST_ID, requestId);
        }
        h.add(X_REAL_IP, view.remoteAddr());
        if (trust.useForwardedHeaders() && trust.computeFullForwardedFor()) { // the client's list, then the peer
            h.add(X_FORWARDED_FOR, forwardedFor == null ? hop : forwardedFor + ", " + hop); // the list stays as sent
        } else {
            h.add(X_FORWARDED_FOR, view.remoteAddr());
        }
        if (!view.host().isEmpty()) {
            h.add(X_FORWARDED_HOST, view.host());
        }
        if (!view.port().isEmpty()) {
            h.add(X_FORWARDED_PORT, view.port());
        }
        CharSequence scheme = scheme(view.scheme());
        h.add(X_FORWARDED_PROTO, scheme);
        h.add(X_FORWARDED_SCHEME, scheme);
        h.add(X_SCHEME, scheme);
        if (trust.originalUriHeader()) {
            h.add(X_ORIGINAL_URI, client.uri()); // header values go out byte for byte: the client's bytes
        }
        addOriginal(h, X_ORIGINAL_FORWARDED_FOR, in, trust.forwardedForHeader(), X_FORWARDED_FOR, forwardedFor);
        addOriginal(h, X_ORIGINAL_FORWARDED_HOST, in, trust.forwardedHostHeader(), X_FORWARDED_HOST, forwardedHost);
        if (context != null) {
            for (SetHeader s : trust.proxySetHeaders()) { // appended: a name already set goes twice (X8)
                String value = s.value().evaluateInLocation(context);
                if (!value.isEmpty()) {
                    h.add(s.name(), value);
                }
            }
        }
        String target = RequestPath.escapeNonAscii(client.uri()); // the line is written as UTF-8
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), target, h);
    }

    /** As ingress-nginx with its defaults, for a client at {@code clientAddress} on an HTTP (port 80) or HTTPS listener. */
    static HttpRequest toUpstream(HttpRequest client, String clientAddress, boolean tls) {
        String host = client.headers().get(HttpHeaderNames.HOST);
        ClientView view = new ClientView(null, clientAddress, tls ? "https" : "http", host == null ? "" : host,
                tls ? "443" : "80");
        String id = client.headers().get(X_REQUEST_ID);
        return toUpstream(client, view, clientAddress, ClientTrust.DEFAULT,
                id != null && !id.isEmpty() ? id : RequestIds.next(), null);
    }

    private static StringBuilder join(StringBuilder list, CharSequence value) {
        return (list == null ? new StringBuilder() : list.append(", ")).append(value);
    }

    private static CharSequence scheme(String scheme) {
        return scheme.equals("https") ? HTTPS : scheme.equals("http") ? HTTP : scheme;
    }

    /**
     * {@code X-Original-Forwarded-For} / {@code -Host}: the configured header's value as the client
     * sent it (joined when repeated), nothing when it sent none. The default header was collected
     * by the copy; another one is looked up.
     */
    private static void addOriginal(HttpHeaders out, AsciiString name, HttpHeaders in, AsciiString configured,
            AsciiString usual, StringBuilder collected) {
        String value;
        if (configured.contentEqualsIgnoreCase(usual)) {
            value = collected == null ? null : collected.toString();
        } else {
            value = ClientAddresses.joined(in, configured);
        }
        if (value != null && !value.isEmpty()) {
            out.add(name, value);
        }
    }

    /** How the copy treats a client header, by name (case-insensitive, one hash and one compare). */
    private enum SpecialNames {
        DROPPED, FORWARDED_FOR, FORWARDED_HOST, ORIGINAL_URI, HOST, OTHER;

        private static final AsciiString[] NAMES = {
            // hop-by-hop (RFC 9110 §7.6.1, nginx's list), and Expect: 100-continue was answered at the front.
            // Proxy-Authorization is not among them: nginx passes it on (annotations-spec.md §3.8).
            AsciiString.cached("connection"), AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
            AsciiString.cached("te"), AsciiString.cached("trailer"), AsciiString.cached("upgrade"),
            AsciiString.cached("expect"),
            // HTTPoxy (CVE-2016-5385): ingress-nginx's proxy_set_header Proxy ""
            AsciiString.cached("proxy"),
            // set by nginx (proxy_set_header): a client's value is never passed on
            X_REAL_IP, X_ORIGINAL_FORWARDED_FOR, X_ORIGINAL_FORWARDED_HOST, X_FORWARDED_PORT, X_FORWARDED_PROTO,
            X_FORWARDED_SCHEME, X_SCHEME, X_REQUEST_ID,
            X_FORWARDED_FOR, X_FORWARDED_HOST, X_ORIGINAL_URI, AsciiString.cached("host")};
        private static final SpecialNames[] KINDS = {
            DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED,
            DROPPED,
            DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED, DROPPED,
            FORWARDED_FOR, FORWARDED_HOST, ORIGINAL_URI, HOST};
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
