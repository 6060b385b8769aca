package dev.linnet.gateway.proxy;

import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The redirect of a plain-HTTP request to HTTPS, as ingress-nginx's {@code redirect_to_https}
 * (lua_ingress.lua) decides it:
 *
 * <pre>
 *   came over TLS, or no HTTPS listener?          ─▶ no redirect
 *   path under /.well-known/acme-challenge/?      ─▶ no redirect
 *   force-ssl-redirect, or ssl-redirect (default
 *   true) and some spec.tls lists the host?       ─▶ http-redirect-code (308),
 *                                                    Location: https://HOST/original-uri
 *                                                    (one trailing / dropped unless
 *                                                    preserve-trailing-slash)
 * </pre>
 *
 * The ACME exemption: an HTTP-01 challenge (cert-manager's solver Ingress) is fetched by the CA
 * over plain HTTP on port 80, typically before any certificate exists or while it is renewed; a
 * redirect would make issuance and renewal fail. The Location has no port, as in ingress-nginx
 * without {@code use-port-in-redirects}: the HTTPS listener is published on 443 by the Service,
 * whatever port the container listens on.
 */
final class HttpsRedirect {

    static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";

    private HttpsRedirect() {
    }

    /**
     * The redirect for a request that came over plain HTTP, or {@code null} to proxy it.
     *
     * @param host the host that routed the request, normalised ({@link RouteTable#normaliseHost}):
     *     whether it has TLS decides
     * @param locationHost the host of the Location: the Host header, as lua_ingress.lua's
     *     {@code redirect_host} takes it from {@code $best_http_host} (it differs from {@code host}
     *     only for an absolute-form request)
     * @param path the normalised path routing used (the ACME exemption is a location in nginx);
     *     the Location keeps the target as the client wrote it ({@code $request_uri}, origin form)
     */
    static FullHttpResponse forPlainRequest(HttpRequest request, String host, String locationHost, String path,
            Route route, RouteTable table, GatewayConfig config, boolean keepAlive) {
        if (config.httpsPort() == -1 || path.startsWith(ACME_CHALLENGE)) {
            return null;
        }
        if (host.isEmpty()) {
            return null; // nothing to redirect to (HTTP/1.0 without Host)
        }
        boolean redirect = route.options().forceSslRedirect()
                || route.options().sslRedirect() && table.certificates().hasTls(host);
        if (!redirect) {
            return null;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(config.httpRedirectCode()), Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.SERVER, ProxyHeaders.SERVER)
                .set(HttpHeaderNames.LOCATION,
                        "https://" + locationHost + location(request.uri(), route.options().preserveTrailingSlash()))
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /**
     * {@code $request_uri} as lua_ingress.lua puts it in the Location: without its last character
     * when that is a {@code /} (so {@code /} itself becomes nothing), unless the route preserves it.
     */
    static String location(String requestUri, boolean preserveTrailingSlash) {
        return !preserveTrailingSlash && requestUri.endsWith("/")
                ? requestUri.substring(0, requestUri.length() - 1) : requestUri;
    }
}
