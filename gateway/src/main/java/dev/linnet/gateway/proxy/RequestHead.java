package dev.linnet.gateway.proxy;

import dev.linnet.gateway.route.RequestPath;
import dev.linnet.gateway.route.RouteTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What routing needs from a request head, read under nginx's rules, or the status nginx refuses
 * the head with (the connection then closes):
 *
 * <pre>
 *   header names with _ or invalid characters ─▶ dropped (underscores_in_headers off)
 *   HTTP/2 :method other than A-Z _ - ─────────▶ 400 (ngx_http_v2_parse_method; the HTTP/1.x
 *                                                decoder refuses those itself)
 *   control character in the request line ─────▶ 400 (nginx 1.21.1+)
 *   not origin form: absolute form (HTTP/1.x) ─▶ its host routes, its origin form goes on; else 400
 *   path nginx can't resolve (.. above /, %00) ─▶ 400
 *   more header fields than allowed ───────────▶ 431
 *   invalid Host (ngx_http_validate_host) ─────▶ 400
 * </pre>
 *
 * @param host the host that routes the request, normalised
 * @param authority the Host header as sent ({@code $http_host}), or {@code host} when there is none
 * @param path the normalised path routing uses (decoded, dot segments resolved, slashes merged)
 * @param rawPath the path as the client sent it (whether it had escapes matters for rewrites)
 * @param refusal the status the head is refused with, or {@code null}
 */
record RequestHead(String host, String authority, String path, String rawPath, HttpResponseStatus refusal) {

    private static final RequestHead BAD = new RequestHead(null, null, null, null, HttpResponseStatus.BAD_REQUEST);
    private static final RequestHead TOO_MANY_HEADERS =
            new RequestHead(null, null, null, null, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);

    /** Reads {@code request} (its URI and headers may be rewritten on the way, as nginx does). */
    static RequestHead read(HttpRequest request, boolean h2, GatewayConfig config) {
        HeaderNames.dropInvalid(request.headers(), config.underscoresInHeaders()); // before any is read
        if (h2 && !isNginxMethod(request.method().name())) {
            return BAD;
        }
        if (!RequestTarget.isClean(request.uri())) {
            // a NUL or a DEL must not travel on to a backend in the request line or X-Original-URI
            return BAD;
        }
        String lineHost = null;
        if (!request.uri().startsWith("/")) { // "admin", "*", or an absolute form (not on HTTP/2)
            RequestTarget.Absolute absolute = h2 ? null : RequestTarget.absolute(request.uri());
            if (absolute == null) {
                return BAD;
            }
            request.setUri(absolute.originForm());
            lineHost = absolute.authority();
        }
        String rawPath = RequestTarget.pathOf(request.uri());
        String path = RequestPath.normalise(rawPath);
        if (path == null) {
            return BAD;
        }
        if (request.headers().size() > config.maxHeaders()) { // Apache's LimitRequestFields
            return TOO_MANY_HEADERS;
        }
        // on the Host header whatever chose the server: a Host like "evil/.example.com" could match
        // a wildcard and travel on (X-Forwarded-Host, redirects)
        String hostHeader = RequestTarget.validHostHeader(request, h2);
        String host = lineHost == null ? hostHeader : RouteTable.normaliseHost(lineHost); // once per request
        if (hostHeader == null || lineHost != null && !RequestTarget.isHostName(host)) {
            return BAD;
        }
        if (lineHost != null && hostHeader.isEmpty()) {
            request.headers().set(HttpHeaderNames.HOST, host); // HTTP/1.0: nginx's $best_http_host is then $host
        }
        return new RequestHead(host, hostHeader.isEmpty() ? host : hostHeader, path, rawPath, null);
    }

    /** nginx's method characters: upper-case letters, {@code _} and {@code -} ("get" is refused). */
    private static boolean isNginxMethod(String method) {
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if ((c < 'A' || c > 'Z') && c != '_' && c != '-') {
                return false;
            }
        }
        return !method.isEmpty();
    }
}
