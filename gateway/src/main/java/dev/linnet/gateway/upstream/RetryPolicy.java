package dev.linnet.gateway.upstream;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * When a failed attempt may be repeated, and what the client hears when it may not.
 *
 * <pre>
 *   connect failed (refused, timeout)  ─▶ nothing reached the upstream: next endpoint,
 *                                          up to maxTries attempts, then 502 / 504
 *   reused idle connection died before ─▶ the upstream closed it while we picked it up:
 *   any response byte                     same endpoint, fresh connection, if replayable
 *   fresh connection died before       ─▶ next endpoint, counted as a try, if replayable
 *   any response byte
 *   a response byte arrived            ─▶ never retried
 *   HTTP/2 stream refused (REFUSED_STREAM ─▶ the pod did not process it (RFC 9113 §8.7): retried like
 *   or above a GOAWAY's last stream id)     a dead reused connection, whatever the method, as long
 *                                           as no body byte was sent
 * </pre>
 *
 * "Replayable" is nginx's {@code proxy_next_upstream} rule since 1.9.13: the method is idempotent
 * (RFC 9110 §9.2.2) and no body byte was sent yet, because a streamed body can't be read again.
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
     * 504 when the upstream did not answer in time (ingress-nginx's "upstream timed out", also
     * "while SSL handshaking"), else 502.
     */
    public static int statusFor(Throwable connectFailure) {
        return connectFailure instanceof ConnectTimeoutException || connectFailure instanceof SslHandshakeTimeoutException
                ? 504 : 502;
    }
}
