package dev.linnet.gateway.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * ingress-nginx's {@code auth_cache} zone (auth-limits-spec.md §3.4): answers of the auth service
 * kept per (rule host, Ingress path and pathType, evaluated {@code auth-cache-key}) for the time
 * {@code auth-cache-duration} gives their status, within nginx's cache rules: a response that sets
 * a cookie, or says {@code Cache-Control: no-cache, no-store, private} or {@code max-age=0}, is never
 * kept; {@code max-age=N} shortens or lengthens the time. Bounded (nginx: 10 MB of keys), entries
 * unused for 30 minutes go first (nginx's {@code inactive=30m}). One per process, as the zone is
 * one per replica.
 */
final class AuthCache {

    /** A kept answer: its status and headers (the body is never kept: it is never relayed). */
    record Answer(int status, HttpHeaders headers, long ttlNanos) {
    }

    private static final long INACTIVE_NANOS = Duration.ofMinutes(30).toNanos();
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    private static final Cache<String, Answer> CACHE = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfter(new Expiry<String, Answer>() {
                @Override
                public long expireAfterCreate(String key, Answer value, long currentTime) {
                    return value.ttlNanos();
                }

                @Override
                public long expireAfterUpdate(String key, Answer value, long currentTime, long currentDuration) {
                    return value.ttlNanos();
                }

                @Override
                public long expireAfterRead(String key, Answer value, long currentTime, long currentDuration) {
                    return Math.min(currentDuration, INACTIVE_NANOS); // unused for 30 min: gone
                }
            })
            .build();

    private AuthCache() {
    }

    /** nginx's auth location is {@code /_external-auth-<b64(path)>-<pathType>}: the type is part of the key. */
    static String key(RequestContext request, String evaluated) {
        return request.route().host() + '\0' + request.route().match().type() + '\0' + request.route().match().path()
                + '\0' + evaluated;
    }

    static Answer get(String key) {
        return CACHE.getIfPresent(key);
    }

    /** Keeps {@code head} if its status has a time in {@code durations} and nginx would cache it. */
    static void offer(String key, HttpResponse head, Map<Integer, Duration> durations) {
        Duration ttl = durations.get(head.status().code());
        HttpHeaders h = head.headers();
        if (ttl == null || h.contains(HttpHeaderNames.SET_COOKIE)) {
            return;
        }
        for (String cc : h.getAll(HttpHeaderNames.CACHE_CONTROL)) {
            for (String directive : cc.toLowerCase(Locale.ROOT).split(",")) {
                String d = directive.strip();
                if (d.equals("no-cache") || d.equals("no-store") || d.equals("private")) {
                    return;
                }
                if (d.startsWith("max-age=")) {
                    try {
                        ttl = Duration.ofSeconds(Long.parseLong(d.substring(8)));
                    } catch (NumberFormatException e) {
                        return;
                    }
                }
            }
        }
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        if (ttl.compareTo(LONGEST) > 0) {
            ttl = LONGEST; // max-age=99999999999 would overflow the nanosecond clock
        }
        CACHE.put(key, new Answer(head.status().code(), new DefaultHttpHeaders().add(h), ttl.toNanos()));
    }
}
