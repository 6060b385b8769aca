package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.ExternalAuth;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code auth-cache-key} and {@code auth-cache-duration} of the {@code auth-url} family
 * (auth-limits-spec.md §3.4): nginx's {@code proxy_cache_key} and {@code proxy_cache_valid} lines
 * of the auth location. A bad character in the duration makes ingress-nginx switch authentication
 * off (SKIP); Linnet denies instead.
 */
public final class AuthCacheAnnotations {

    public static final AnnotationKey<String> CACHE_KEY = AnnotationKey.prefixed("auth-cache-key",
            ValueType.NGINX_VARIABLE, "", "none (no caching)",
            "caches auth answers per host, path and this evaluated key (include the credential!)");
    public static final AnnotationKey<String> CACHE_DURATION = AnnotationKey.prefixed("auth-cache-duration",
            ValueType.EXTENDED_CHARS, "200 202 401 5m", "how long answers are cached per status: 200 202 10m, 401 5m");

    private static final Pattern CACHE_ITEM = Pattern.compile("((?:\\d{3}\\s+)+)((?:\\d+(?:ms|s|m|h|d|w|M|y))+)");
    private static final Pattern TIME_PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|M|y)");

    private AuthCacheAnnotations() {
    }

    /** The key, or {@code null}: no caching (or denied). */
    static AuthTemplate cacheKey(PolicyCollector c) {
        String raw = CACHE_KEY.raw(c.annotations(), c.prefix());
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = ExternalAuthAnnotations.parseChecked(CACHE_KEY, raw);
        if (value == null) {
            c.warn(CACHE_KEY.describe(c.prefix(), raw) + " is invalid (expected: " + CACHE_KEY.expected()
                    + "); auth answers are not cached, as in ingress-nginx");
            return null;
        }
        return ExternalAuthAnnotations.template(c, CACHE_KEY, raw, value);
    }

    /** Per-status cache times; {@code null} after a DENY. */
    static Map<Integer, Duration> cacheDurations(PolicyCollector c) {
        String raw = CACHE_DURATION.raw(c.annotations(), c.prefix());
        if (raw == null || raw.isBlank()) {
            return ExternalAuth.DEFAULT_CACHE_DURATIONS;
        }
        String value = ExternalAuthAnnotations.parseChecked(CACHE_DURATION, raw);
        if (value == null) {
            c.denyWhereIngressNginxServesOpen(CACHE_DURATION.name(), CACHE_DURATION.describe(c.prefix(), raw)
                    + " has a character ingress-nginx refuses (expected: " + CACHE_DURATION.expected()
                    + "); ingress-nginx would have served the Ingress without authentication");
            return null;
        }
        String bad = badDurationItem(value);
        if (bad != null) {
            c.deny(CACHE_DURATION.describe(c.prefix(), raw) + ": item " + AnnotationKey.quote(bad)
                    + " is invalid (expected: " + DURATION_ITEM_EXPECTED + ")");
            return null;
        }
        return durations(value);
    }

    /** What one item of a cache duration list looks like. */
    public static final String DURATION_ITEM_EXPECTED = "status codes then a time, such as 200 202 10m";

    /** The first item of a cache duration list that is not codes and a time, or {@code null}. */
    public static String badDurationItem(String value) {
        for (String item : value.split(",")) {
            if (!CACHE_ITEM.matcher(item.strip()).matches()) {
                return item.strip();
            }
        }
        return null;
    }

    /** Per-status cache times of a list without a bad item ({@link #badDurationItem}). */
    public static Map<Integer, Duration> durations(String value) {
        Map<Integer, Duration> out = new HashMap<>();
        for (String item : value.split(",")) {
            Matcher m = CACHE_ITEM.matcher(item.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("cache duration item: " + item + " (expected: "
                        + DURATION_ITEM_EXPECTED + ")");
            }
            Duration ttl = Duration.ZERO;
            Matcher t = TIME_PART.matcher(m.group(2));
            while (t.find()) {
                ttl = ttl.plus(unit(Long.parseLong(t.group(1)), t.group(2)));
            }
            for (String code : m.group(1).strip().split("\\s+")) {
                out.putIfAbsent(Integer.parseInt(code), ttl); // nginx: the first proxy_cache_valid for a code wins
            }
        }
        return out;
    }

    private static Duration unit(long n, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            case "M" -> Duration.ofDays(30 * n);
            default -> Duration.ofDays(365 * n);
        };
    }
}
