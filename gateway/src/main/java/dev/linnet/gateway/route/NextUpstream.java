package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * When a failed attempt goes on to the next endpoint: nginx's {@code proxy_next_upstream}
 * conditions (ingress-nginx's {@code proxy-next-upstream}, default {@code error timeout}) and
 * {@code proxy_next_upstream_timeout} (0: no limit). The number of tries is
 * {@code proxy-next-upstream-tries}, kept apart in {@link RouteOptions#nextUpstreamTries()}.
 *
 * @param conditions a bit set of {@link #ERROR}, {@link #TIMEOUT} …; 0 is {@code off}; -1 (only
 *     in a route's options) the listener's
 * @param timeout how long after the first attempt began a retry may still start; zero for no
 *     limit; {@code null} (only in a route's options) the listener's
 */
public record NextUpstream(int conditions, Duration timeout) {

    /** The connection failed or broke before a response header (refused, reset, closed). */
    public static final int ERROR = 1;
    /** Connecting, or waiting for the response header, timed out. */
    public static final int TIMEOUT = 1 << 1;
    /** The upstream answered something that is not an HTTP response. */
    public static final int INVALID_HEADER = 1 << 2;
    public static final int HTTP_500 = 1 << 3;
    public static final int HTTP_502 = 1 << 4;
    public static final int HTTP_503 = 1 << 5;
    public static final int HTTP_504 = 1 << 6;
    public static final int HTTP_403 = 1 << 7;
    public static final int HTTP_404 = 1 << 8;
    public static final int HTTP_429 = 1 << 9;
    /** POST, LOCK, PATCH (and any method not idempotent) may be sent again. */
    public static final int NON_IDEMPOTENT = 1 << 10;

    private static final String[] WORDS = {"error", "timeout", "invalid_header", "http_500", "http_502", "http_503",
        "http_504", "http_403", "http_404", "http_429", "non_idempotent"};

    /** What a valid list looks like, for warnings. */
    public static final String EXPECTED = "space-separated words from error timeout invalid_header http_500 http_502"
            + " http_503 http_504 http_403 http_404 http_429 non_idempotent, or off";

    /** ingress-nginx's default: {@code error timeout}, no time limit. */
    public static final NextUpstream DEFAULT = new NextUpstream(ERROR | TIMEOUT, Duration.ZERO);

    public NextUpstream {
        if (conditions < -1) {
            throw new IllegalArgumentException("conditions: " + conditions + " (expected: >= -1)");
        }
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
    }

    /**
     * The conditions of a {@code proxy_next_upstream} value, or -1 when a word is unknown or the
     * value is empty. {@code off} anywhere wins over the other words, as in nginx's merge.
     */
    public static int parseConditions(String value) {
        int bits = 0;
        boolean off = false;
        boolean any = false;
        for (String word : value.strip().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            any = true;
            String w = word.toLowerCase(Locale.ROOT);
            if (w.equals("off")) {
                off = true;
                continue;
            }
            int bit = bitOf(w);
            if (bit == 0) {
                return -1;
            }
            bits |= bit;
        }
        return !any ? -1 : off ? 0 : bits;
    }

    private static int bitOf(String word) {
        for (int i = 0; i < WORDS.length; i++) {
            if (WORDS[i].equals(word)) {
                return 1 << i;
            }
        }
        return 0;
    }

    /**
     * A route's setting with the listener's filling what the route leaves open (one of the two
     * annotations alone); itself when it sets both.
     */
    public NextUpstream over(NextUpstream listener) {
        requireNonNull(listener, "listener");
        if (conditions >= 0 && timeout != null) {
            return this;
        }
        return new NextUpstream(conditions >= 0 ? conditions : listener.conditions,
                timeout != null ? timeout : listener.timeout);
    }

    public boolean has(int condition) {
        return (conditions & condition) != 0;
    }

    /** The condition a response status is, or 0 when no {@code http_NNN} word names it. */
    public static int conditionOf(int status) {
        return switch (status) {
            case 500 -> HTTP_500;
            case 502 -> HTTP_502;
            case 503 -> HTTP_503;
            case 504 -> HTTP_504;
            case 403 -> HTTP_403;
            case 404 -> HTTP_404;
            case 429 -> HTTP_429;
            default -> 0;
        };
    }

    /** Whether a response with {@code status} is retried (its status is listed). */
    public boolean retriesStatus(int status) {
        return has(conditionOf(status));
    }

    /** The value as nginx would write it: {@code error timeout}, {@code off}. */
    public String words() {
        if (conditions <= 0) {
            return conditions == 0 ? "off" : "(the listener's)";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < WORDS.length; i++) {
            if ((conditions & 1 << i) != 0) {
                b.append(b.isEmpty() ? "" : " ").append(WORDS[i]);
            }
        }
        return b.toString();
    }
}
