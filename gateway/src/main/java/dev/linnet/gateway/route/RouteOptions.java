package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The per-Ingress settings of one route that shape proxying, from the main Ingress's annotations
 * (ingress-nginx's {@code proxy-*}, {@code backend-protocol}, {@code rewrite-target} …). A
 * {@code null} duration or a negative number means "the listener's setting"
 * ({@code GatewayConfig}), so an Ingress without annotations behaves exactly as the flags say.
 * Features that answer, check or edit requests (redirects, allow-lists, auth, …) are not options
 * but {@link dev.linnet.gateway.policy.Policy policies} on the route.
 *
 * @param backendProtocol how to talk to the pods
 * @param connectTimeout upstream connect timeout, or {@code null}
 * @param readTimeout upstream read timeout, or {@code null}
 * @param sendTimeout upstream send timeout, or {@code null}
 * @param maxBodySize largest request body in bytes (0 unlimited), or -1 for the listener's
 * @param nextUpstreamTries attempts over endpoints, or -1 for the listener's; 0 is nginx's
 *     "no limit": every endpoint once
 * @param rewriteTarget the upstream URI template ({@code rewrite-target}), or {@code null} to
 *     send the request URI unchanged
 * @param nextUpstream when a failed attempt is retried ({@code proxy-next-upstream} and
 *     {@code -timeout}), or {@code null} for the listener's
 * @param accessLog whether the route's requests are logged ({@code enable-access-log}, default true)
 * @param requestBuffering {@code proxy-request-buffering}: the whole request body is read before
 *     an endpoint is chosen and connected, and goes upstream with a {@code Content-Length}
 *     (ingress-nginx's default, {@code on}); false streams it as it arrives
 * @param http10 {@code proxy-http-version 1.0}: requests go upstream as HTTP/1.0, their connection
 *     is never reused, a body always with a {@code Content-Length} (HTTP/HTTPS backends only:
 *     nginx's {@code grpc_pass} ignores the setting)
 * @param clientBodyBufferSize {@code client-body-buffer-size}: bytes of a buffered body kept in
 *     memory before the rest goes to a temporary file, or -1 for the listener's
 */
public record RouteOptions(
        BackendProtocol backendProtocol,
        Duration connectTimeout,
        Duration readTimeout,
        Duration sendTimeout,
        long maxBodySize,
        int nextUpstreamTries,
        RewriteTarget rewriteTarget,
        NextUpstream nextUpstream,
        boolean accessLog,
        boolean requestBuffering,
        boolean http10,
        long clientBodyBufferSize) {

    /** No annotations: everything as the listener says, plain HTTP/1.1 to the pods. */
    public static final RouteOptions DEFAULTS =
            new RouteOptions(BackendProtocol.HTTP, null, null, null, -1, -1, null, null, true, true, false, -1);

    public RouteOptions {
        requireNonNull(backendProtocol, "backendProtocol");
    }

    /** Options with the listener's {@code client-body-buffer-size}. */
    public RouteOptions(BackendProtocol backendProtocol, Duration connectTimeout, Duration readTimeout,
            Duration sendTimeout, long maxBodySize, int nextUpstreamTries, RewriteTarget rewriteTarget,
            NextUpstream nextUpstream, boolean accessLog, boolean requestBuffering, boolean http10) {
        this(backendProtocol, connectTimeout, readTimeout, sendTimeout, maxBodySize, nextUpstreamTries, rewriteTarget,
                nextUpstream, accessLog, requestBuffering, http10, -1);
    }

    /** Options with HTTP/1.1 upstream ({@code proxy-http-version 1.1}, ingress-nginx's default). */
    public RouteOptions(BackendProtocol backendProtocol, Duration connectTimeout, Duration readTimeout,
            Duration sendTimeout, long maxBodySize, int nextUpstreamTries, RewriteTarget rewriteTarget,
            NextUpstream nextUpstream, boolean accessLog, boolean requestBuffering, long clientBodyBufferSize) {
        this(backendProtocol, connectTimeout, readTimeout, sendTimeout, maxBodySize, nextUpstreamTries, rewriteTarget,
                nextUpstream, accessLog, requestBuffering, false, clientBodyBufferSize);
    }

    /** Options with HTTP/1.1 upstream and the listener's {@code client-body-buffer-size}. */
    public RouteOptions(BackendProtocol backendProtocol, Duration connectTimeout, Duration readTimeout,
            Duration sendTimeout, long maxBodySize, int nextUpstreamTries, RewriteTarget rewriteTarget,
            NextUpstream nextUpstream, boolean accessLog, boolean requestBuffering) {
        this(backendProtocol, connectTimeout, readTimeout, sendTimeout, maxBodySize, nextUpstreamTries, rewriteTarget,
                nextUpstream, accessLog, requestBuffering, false);
    }

    /** Options whose requests are logged and whose request bodies are buffered (ingress-nginx's defaults). */
    public RouteOptions(BackendProtocol backendProtocol, Duration connectTimeout, Duration readTimeout,
            Duration sendTimeout, long maxBodySize, int nextUpstreamTries, RewriteTarget rewriteTarget,
            NextUpstream nextUpstream) {
        this(backendProtocol, connectTimeout, readTimeout, sendTimeout, maxBodySize, nextUpstreamTries, rewriteTarget,
                nextUpstream, true, true);
    }

    /** Options with the listener's {@code proxy-next-upstream}. */
    public RouteOptions(BackendProtocol backendProtocol, Duration connectTimeout, Duration readTimeout,
            Duration sendTimeout, long maxBodySize, int nextUpstreamTries, RewriteTarget rewriteTarget) {
        this(backendProtocol, connectTimeout, readTimeout, sendTimeout, maxBodySize, nextUpstreamTries, rewriteTarget,
                null, true, true);
    }

    /** Options without rewrite, with the listener's {@code proxy-next-upstream}. */
    public RouteOptions(BackendProtocol backendProtocol, Duration connectTimeout, Duration readTimeout,
            Duration sendTimeout, long maxBodySize, int nextUpstreamTries) {
        this(backendProtocol, connectTimeout, readTimeout, sendTimeout, maxBodySize, nextUpstreamTries, null, null, true, true);
    }

    /** These options without {@code rewrite-target}. */
    public RouteOptions withoutRewrite() {
        return rewriteTarget == null ? this : new RouteOptions(backendProtocol, connectTimeout, readTimeout,
                sendTimeout, maxBodySize, nextUpstreamTries, null, nextUpstream, accessLog, requestBuffering, http10,
                clientBodyBufferSize);
    }

    /** These options with {@code enable-access-log} set to {@code on}. */
    public RouteOptions withAccessLog(boolean on) {
        return on == accessLog ? this : new RouteOptions(backendProtocol, connectTimeout, readTimeout, sendTimeout,
                maxBodySize, nextUpstreamTries, rewriteTarget, nextUpstream, on, requestBuffering, http10,
                clientBodyBufferSize);
    }

    /** These options with {@code proxy-request-buffering} set to {@code on}. */
    public RouteOptions withRequestBuffering(boolean on) {
        return on == requestBuffering ? this : new RouteOptions(backendProtocol, connectTimeout, readTimeout,
                sendTimeout, maxBodySize, nextUpstreamTries, rewriteTarget, nextUpstream, accessLog, on, http10,
                clientBodyBufferSize);
    }

    /** These options with {@code proxy-http-version 1.0} when {@code on}. */
    public RouteOptions withHttp10(boolean on) {
        return on == http10 ? this : new RouteOptions(backendProtocol, connectTimeout, readTimeout, sendTimeout,
                maxBodySize, nextUpstreamTries, rewriteTarget, nextUpstream, accessLog, requestBuffering, on,
                clientBodyBufferSize);
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

    public long clientBodyBufferSizeOr(long listener) {
        return clientBodyBufferSize < 0 ? listener : clientBodyBufferSize;
    }

    public int nextUpstreamTriesOr(int listener) {
        return nextUpstreamTries < 0 ? listener : nextUpstreamTries;
    }

    public NextUpstream nextUpstreamOr(NextUpstream listener) {
        return nextUpstream == null ? listener : nextUpstream.over(listener);
    }
}
