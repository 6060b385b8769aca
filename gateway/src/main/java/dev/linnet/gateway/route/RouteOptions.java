package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The per-Ingress settings of one route, from the main Ingress's annotations (ingress-nginx's
 * {@code proxy-*}, {@code backend-protocol}, {@code ssl-redirect} …). A {@code null} duration or a
 * negative number means "the listener's setting" ({@code GatewayConfig}), so an Ingress without
 * annotations behaves exactly as the flags say.
 *
 * @param backendProtocol how to talk to the pods
 * @param sslRedirect redirect plain HTTP to HTTPS when the host has TLS (ingress-nginx default: true)
 * @param forceSslRedirect redirect plain HTTP to HTTPS even when the host has no TLS
 * @param connectTimeout upstream connect timeout, or {@code null}
 * @param readTimeout upstream read timeout, or {@code null}
 * @param sendTimeout upstream send timeout, or {@code null}
 * @param maxBodySize largest request body in bytes (0 unlimited), or -1 for the listener's
 * @param nextUpstreamTries attempts over endpoints, or -1 for the listener's; 0 is nginx's
 *     "no limit": every endpoint once
 * @param rewriteTarget the upstream URI template ({@code rewrite-target}), or {@code null} to
 *     send the request URI unchanged
 * @param sourceRanges the client networks allowed ({@code allowlist-source-range}), or
 *     {@code null} for everyone
 * @param preserveTrailingSlash keep a trailing {@code /} in the HTTPS redirect's Location
 *     ({@code preserve-trailing-slash}; ingress-nginx drops it by default)
 * @param nextUpstream when a failed attempt is retried ({@code proxy-next-upstream} and
 *     {@code -timeout}), or {@code null} for the listener's
 */
public record RouteOptions(
        BackendProtocol backendProtocol,
        boolean sslRedirect,
        boolean forceSslRedirect,
        Duration connectTimeout,
        Duration readTimeout,
        Duration sendTimeout,
        long maxBodySize,
        int nextUpstreamTries,
        RewriteTarget rewriteTarget,
        SourceRanges sourceRanges,
        boolean preserveTrailingSlash,
        NextUpstream nextUpstream) {

    /** No annotations: everything as the listener says, plain HTTP/1.1 to the pods. */
    public static final RouteOptions DEFAULTS =
            new RouteOptions(BackendProtocol.HTTP, true, false, null, null, null, -1, -1, null, null, false, null);

    public RouteOptions {
        requireNonNull(backendProtocol, "backendProtocol");
    }

    /** Options with the listener's {@code proxy-next-upstream}. */
    public RouteOptions(BackendProtocol backendProtocol, boolean sslRedirect, boolean forceSslRedirect,
            Duration connectTimeout, Duration readTimeout, Duration sendTimeout, long maxBodySize,
            int nextUpstreamTries, RewriteTarget rewriteTarget, SourceRanges sourceRanges,
            boolean preserveTrailingSlash) {
        this(backendProtocol, sslRedirect, forceSslRedirect, connectTimeout, readTimeout, sendTimeout, maxBodySize,
                nextUpstreamTries, rewriteTarget, sourceRanges, preserveTrailingSlash, null);
    }

    /** Options with ingress-nginx's default trailing-slash handling. */
    public RouteOptions(BackendProtocol backendProtocol, boolean sslRedirect, boolean forceSslRedirect,
            Duration connectTimeout, Duration readTimeout, Duration sendTimeout, long maxBodySize,
            int nextUpstreamTries, RewriteTarget rewriteTarget, SourceRanges sourceRanges) {
        this(backendProtocol, sslRedirect, forceSslRedirect, connectTimeout, readTimeout, sendTimeout, maxBodySize,
                nextUpstreamTries, rewriteTarget, sourceRanges, false);
    }

    /** Options without rewrite and source ranges (the settings the first issue-5 seam had). */
    public RouteOptions(BackendProtocol backendProtocol, boolean sslRedirect, boolean forceSslRedirect,
            Duration connectTimeout, Duration readTimeout, Duration sendTimeout, long maxBodySize,
            int nextUpstreamTries) {
        this(backendProtocol, sslRedirect, forceSslRedirect, connectTimeout, readTimeout, sendTimeout, maxBodySize,
                nextUpstreamTries, null, null);
    }

    public Duration connectTimeoutOr(Duration listener) {
        return connectTimeout == null ? listener : connectTimeout;
    }

    public Duration readTimeoutOr(Duration listener) {
        return readTimeout == null ? listener : readTimeout;
    }

    public Duration sendTimeoutOr(Duration listener) {
        return sendTimeout == null ? listener : sendTimeout;
    }

    public long maxBodySizeOr(long listener) {
        return maxBodySize < 0 ? listener : maxBodySize;
    }

    public int nextUpstreamTriesOr(int listener) {
        return nextUpstreamTries < 0 ? listener : nextUpstreamTries;
    }

    public NextUpstream nextUpstreamOr(NextUpstream listener) {
        return nextUpstream == null ? listener : nextUpstream.over(listener);
    }
}
