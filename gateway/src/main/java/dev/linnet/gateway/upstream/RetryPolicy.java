package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.NextUpstream;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * When a failed attempt may be repeated, and what the client hears when it may not.
 *
 * <pre>
 *   connect failed (refused, timeout)  ─▶ nothing reached the upstream: next endpoint, any
 *                                          method, up to maxTries attempts, then 502 / 504
 *   reused idle connection died before ─▶ the upstream closed it while we picked it up:
 *   any response byte                     same endpoint, fresh connection, if replayable
 *   fresh connection died before       ─▶ next endpoint, counted as a try, if replayable
 *   any response byte                     and "error" is listed
 *   no response head within the        ─▶ next endpoint, counted, if replayable and "timeout"
 *   read timeout                          is listed (then 504)
 *   a response head with a listed      ─▶ dropped unread, next endpoint, if replayable and tries
 *   status, or an invalid one             are left; the last attempt's answer goes to the client
 *   a response byte reached the client ─▶ never retried
 *   HTTP/2 stream refused (REFUSED_STREAM ─▶ the pod did not process it (RFC 9113 §8.7): retried like
 *   or above a GOAWAY's last stream id)     a dead reused connection, whatever the method, as long
 *                                           as no body byte was sent
 * </pre>
 *
 * "Replayable" is nginx's {@code proxy_next_upstream} rule since 1.9.13: the method is idempotent
 * (RFC 9110 §9.2.2), or {@code non_idempotent} is listed, and no body byte was sent yet, because
 * a streamed body can't be read again. The conditions ({@code error}, {@code timeout} …) are the
 * route's {@link NextUpstream}; {@code off} retries nothing but the pool's own stale keep-alive
 * connections, which say nothing about the pod.
 */
public final class RetryPolicy {

    private RetryPolicy() {
    }

    public static boolean isIdempotent(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
                || method == HttpMethod.PUT || method == HttpMethod.DELETE || method == HttpMethod.TRACE
                || isIdempotentName(method.name());
    }

    private static boolean isIdempotentName(String name) {
        return switch (name) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
    }

    public static boolean isReplayable(HttpMethod method, long bodyBytesSent) {
        return bodyBytesSent == 0 && isIdempotent(method);
    }

    /**
     * Whether a request whose upstream stream ended with {@code cause} may be sent again: replayable
     * by method, or unprocessed by the pod's own word (RFC 9113 §8.7). A body already streamed
     * can't be sent twice either way.
     */
    public static boolean mayRetry(HttpMethod method, long bodyBytesSent, Throwable cause) {
        return isReplayable(method, bodyBytesSent)
                || bodyBytesSent == 0 && cause instanceof UnprocessedStreamException;
    }

    /**
     * Whether a request that failed on a fresh connection with {@code condition} (one of
     * {@link NextUpstream}'s) may be sent to another endpoint.
     */
    public static boolean mayRetry(NextUpstream next, int condition, HttpMethod method, long bodyBytesSent) {
        return next.has(condition) && bodyBytesSent == 0
                && (next.has(NextUpstream.NON_IDEMPOTENT) || isIdempotent(method));
    }

    /** Whether a connect failure was a timeout ({@code timeout}), not an error ({@code error}). */
    public static boolean isTimeout(Throwable connectFailure) {
        return connectFailure instanceof ConnectTimeoutException || connectFailure instanceof SslHandshakeTimeoutException;
    }

    /**
     * 504 when the upstream did not answer in time (ingress-nginx's "upstream timed out", also
     * "while SSL handshaking"), else 502.
     */
    public static int statusFor(Throwable connectFailure) {
        return isTimeout(connectFailure) ? 504 : 502;
    }
}
