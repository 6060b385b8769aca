package dev.linnet.gateway.proxy;

import dev.linnet.gateway.policy.CustomErrors;
import dev.linnet.gateway.policy.RequestContext;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.RequestPath;
import dev.linnet.gateway.route.Route;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;

/**
 * The error pages of a route ({@link CustomErrors}, annotations-spec.md §5): a listed status, from
 * the upstream (when intercepting) or the gateway itself, is replaced by the answer of the error
 * backend to an error request, relayed to the client as it is (status, headers, body).
 *
 * <pre>
 *   upstream head, listed ─▶ Exchange drops it (connection closed unread) ─┐
 *   gateway's own answer, listed (403, 502, 503, 504, 413 …) ──────────────┤
 *                                                                          ▼
 *   error backend? ─none─▶ the built-in default backend: 404
 *        │ yes
 *        ▼
 *   error request (§5.2) ─▶ a new Exchange through the same pools ─▶ its response to the client
 * </pre>
 *
 * A request is diverted once: an error from the error backend itself goes to the client (nginx's
 * {@code recursive_error_pages off}). The error request is HTTP/1.1 with {@code Connection: close}
 * where nginx speaks HTTP/1.0 (the same for the backend: one request per connection). It carries
 * the client's body when the gateway answered before reading it; once the body was streamed to
 * the upstream it is gone (nginx buffers it and sends it again), and the error request has none.
 */
final class ErrorPages {

    static final AsciiString X_CODE = AsciiString.cached("x-code");
    static final AsciiString X_FORMAT = AsciiString.cached("x-format");
    static final AsciiString X_NAMESPACE = AsciiString.cached("x-namespace");
    static final AsciiString X_INGRESS_NAME = AsciiString.cached("x-ingress-name");
    static final AsciiString X_SERVICE_NAME = AsciiString.cached("x-service-name");
    static final AsciiString X_SERVICE_PORT = AsciiString.cached("x-service-port");

    /** The request's attachment once it was diverted: never twice. */
    private static final Object DIVERTED = new Object();

    private ErrorPages() {
    }

    /** Whether the request's answer now comes from the error backend (or the built-in 404 standing in). */
    static boolean diverted(RequestFlow flow) {
        return flow != null && flow.attachment(DIVERTED) != null;
    }

    /** The route's error pages, or {@code null}. */
    static CustomErrors of(Route route) {
        return route == null ? null : route.policies().find(CustomErrors.class);
    }

    /**
     * Whether {@code status} goes to the error backend: listed on the routed request's route, the
     * request not diverted yet, and for an upstream response, interception on.
     */
    static boolean intercepts(RequestFlow flow, int status, boolean upstream) {
        if (flow == null || status < 300) {
            return false;
        }
        CustomErrors errors = of(flow.route());
        if (errors == null || flow.attachment(DIVERTED) != null) {
            return false;
        }
        return upstream ? errors.interceptsUpstream(status) : errors.intercepts(status);
    }

    /**
     * Marks the request diverted and says who answers: a backend with a ready endpoint, or
     * {@code null} for the built-in default backend's 404 (X11).
     */
    static Backend divert(RequestFlow flow) {
        flow.attach(DIVERTED, Boolean.TRUE);
        return of(flow.route()).errorBackend();
    }

    /** The route's rule Service has no ready endpoint: the {@code default-backend} stand-in (§5.3), or {@code null}. */
    static Backend standIn(Route route) {
        CustomErrors errors = of(route);
        return errors == null ? null : errors.standIn();
    }

    /** The answer of a route without endpoints and without a stand-in: 503, or the built-in 404 for the catch-all. */
    static HttpResponseStatus noEndpoint(Route route) {
        CustomErrors errors = of(route);
        return errors != null && errors.catchAll() ? HttpResponseStatus.NOT_FOUND
                : HttpResponseStatus.SERVICE_UNAVAILABLE;
    }

    /**
     * §5.3: a request proxied to the stand-in as usual (original URI, the usual headers) with
     * {@code X-Code: 503} and the route's coordinates; no {@code X-Original-URI} of this kind.
     */
    static void markStandIn(HttpRequest upstreamHead, RequestContext request) {
        HttpHeaders h = upstreamHead.headers();
        h.set(X_CODE, "503");
        describe(h, request);
    }

    /**
     * The error request (§5.2): the client's method, URI {@code /} with the query kept, the client's
     * headers (hop-by-hop ones dropped) with {@code X-Code}, {@code X-Format}, {@code X-Original-URI},
     * the route's coordinates, {@code X-Request-ID}, {@code X-Forwarded-For} and {@code Host}.
     *
     * @param withBody whether the client's body follows (unread so far); else the head says none
     */
    static HttpRequest request(RequestContext request, int status, boolean withBody) {
        HttpRequest client = request.request();
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        h.add(client.headers());
        HopByHop.strip(h);
        h.remove(HttpHeaderNames.EXPECT);
        if (!withBody) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        h.set(HttpHeaderNames.HOST, request.authority());
        h.set(X_CODE, String.valueOf(status));
        h.set(ProxyHeaders.X_ORIGINAL_URI, client.uri());
        describe(h, request);
        h.set(ProxyHeaders.X_REQUEST_ID, request.requestId());
        InetSocketAddress peer = request.remoteAddress();
        if (peer != null) {
            h.set(ProxyHeaders.X_FORWARDED_FOR, peer.getAddress().getHostAddress());
        } else {
            h.remove(ProxyHeaders.X_FORWARDED_FOR);
        }
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        String uri = client.uri();
        int query = uri.indexOf('?');
        // the request line is written as UTF-8: a raw query is escaped as the proxied request's is
        String target = RequestPath.escapeNonAscii(query < 0 ? "/" : "/" + uri.substring(query));
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), target, h);
    }

    /** {@code X-Format} and the coordinates of the route's rule (the main route's, for a canary too). */
    private static void describe(HttpHeaders h, RequestContext request) {
        String accept = request.request().headers().get(HttpHeaderNames.ACCEPT);
        if (accept != null && !accept.isEmpty()) {
            h.set(X_FORMAT, accept);
        } else {
            h.remove(X_FORMAT);
        }
        Route route = request.route();
        h.set(X_NAMESPACE, route.namespace());
        h.set(X_INGRESS_NAME, route.ingress());
        h.set(X_SERVICE_NAME, route.backend().service());
        h.set(X_SERVICE_PORT, route.backend().port());
    }
}
