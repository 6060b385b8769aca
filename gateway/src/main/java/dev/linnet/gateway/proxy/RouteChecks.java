package dev.linnet.gateway.proxy;

import dev.linnet.gateway.route.RequestPath;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The route options the proxy itself applies, in nginx's phase order: the body limit when the
 * location is chosen ({@code client_max_body_size}, find-config phase, before any policy), the
 * URI rewrite when the request goes upstream (after the policies).
 *
 * <pre>
 *   route ─▶ Content-Length &gt; proxy-body-size? ─▶ 413, close (nothing of the body is read)
 *         ─▶ policies, split ─▶ rewrite-target? ─▶ upstream URI rewritten ─▶ proxy
 * </pre>
 */
final class RouteChecks {

    private RouteChecks() {
    }

    /**
     * Whether the declared body is over the route's limit (or the listener's, for a request no
     * route takes, as nginx's server-level {@code client_max_body_size}). A chunked body is
     * counted while it streams (Exchange).
     */
    static boolean bodyTooLarge(HttpRequest request, Route route, GatewayConfig config) {
        long listener = config.maxRequestBodySize();
        long max = route == null ? listener : route.options().maxBodySizeOr(listener);
        return max > 0 && HttpUtil.getContentLength(request, -1L) > max;
    }

    /**
     * Applies {@code rewrite-target} to the request about to go upstream; {@code rawPath} is the
     * client's path as sent, which says whether it had escapes. The route's regex runs
     * on {@code path}, the normalised path routing used (nginx rewrites {@code $uri}), and the
     * result is escaped as nginx's proxy module escapes it (see {@link RewriteTarget#apply}).
     */
    static void rewrite(Route route, HttpRequest upstream, String path, String rawPath) {
        RouteOptions options = route.options();
        if (options.rewriteTarget() == null) {
            return;
        }
        String uri = upstream.uri();
        int q = uri.indexOf('?');
        String query = q < 0 ? null : uri.substring(q + 1);
        int fragment = query == null ? -1 : query.indexOf('#');
        if (fragment >= 0) {
            query = query.substring(0, fragment);
        }
        // nginx's quoted_uri / plus_in_uri, from the client's path (a byte above 127 is no escape to
        // nginx; the upstream line has those encoded)
        boolean quoted = rawPath.indexOf('%') >= 0 || rawPath.indexOf('+') >= 0;
        // a raw capture in the target's query may hold bytes above 127: encoded as in toUpstream
        upstream.setUri(RequestPath.escapeNonAscii(options.rewriteTarget().apply(route.match(), path, query, quoted)));
    }
}
