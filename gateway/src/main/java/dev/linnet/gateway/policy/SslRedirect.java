package dev.linnet.gateway.policy;

import io.netty.handler.codec.http.FullHttpResponse;

/**
 * The redirect of a plain-HTTP request to HTTPS, as ingress-nginx's {@code redirect_to_https}
 * (lua_ingress.lua) decides it:
 *
 * <pre>
 *   $pass_access_scheme not http, or no HTTPS listener? ─▶ no redirect
 *   force-ssl-redirect, or ssl-redirect (default
 *   true) and some spec.tls lists the host?       ─▶ http-redirect-code (308),
 *                                                    Location: https://HOST/original-uri
 *                                                    (HOST: $best_http_host without port)
 *                                                    (one trailing / dropped unless
 *                                                    preserve-trailing-slash)
 * </pre>
 *
 * Routes whose Ingress path starts with an item of the ConfigMap's {@code no-tls-redirect-locations}
 * (default {@code /.well-known/acme-challenge}: cert-manager's HTTP-01 solver paths, fetched by the
 * CA over plain HTTP, often before any certificate exists) never get this policy: the controller
 * leaves it out, as ingress-nginx's {@code force_no_ssl_redirect} compares the location's path.
 * The Location has no port, as in ingress-nginx
 * without {@code use-port-in-redirects}: the HTTPS listener is published on 443 by the Service,
 * whatever port the container listens on.
 *
 * @param sslRedirect redirect when the host has TLS ({@code ssl-redirect}, default true)
 * @param force redirect even when the host has no TLS ({@code force-ssl-redirect})
 * @param preserveTrailingSlash keep a trailing {@code /} in the Location ({@code preserve-trailing-slash})
 */
public record SslRedirect(boolean sslRedirect, boolean force, boolean preserveTrailingSlash) implements RequestPolicy {

    /** ingress-nginx's defaults: redirect hosts with TLS, drop a trailing slash. */
    public static final SslRedirect DEFAULT = new SslRedirect(true, false, false);

    @Override
    public Step step() {
        return Step.SSL_REDIRECT;
    }

    /**
     * The host that routed the request decides whether it has TLS. The scheme is
     * {@code $pass_access_scheme}: only {@code http} is redirected, so behind a balancer that
     * terminates TLS and says so ({@code X-Forwarded-Proto: https} with use-forwarded-headers, or a
     * PROXY destination port 443) there is no loop. The Location names {@code $best_http_host}
     * without its port, as lua_ingress.lua's {@code redirect_host} (A12, A13), and keeps the target
     * as the client wrote it ({@code $request_uri}, origin form).
     */
    @Override
    public Flow onRequest(RequestContext request) {
        if (request.config().httpsPort() == -1) {
            return Flow.CONTINUE;
        }
        ClientView client = request.client();
        String host = client.hostWithoutPort();
        if (!"http".equals(client.scheme()) || host.isEmpty() || request.host().isEmpty()) {
            return Flow.CONTINUE; // nothing to redirect to (HTTP/1.0 without Host)
        }
        if (!force && !(sslRedirect && request.table().certificates().hasTls(request.host()))) {
            return Flow.CONTINUE;
        }
        FullHttpResponse response = Answers.redirect(request.config().httpRedirectCode(),
                "https://" + host + location(request.request().uri(), preserveTrailingSlash));
        request.answer(response);
        return Flow.ANSWERED;
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
