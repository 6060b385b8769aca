package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.PathType;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The affinity cookie's name and attributes ({@code session-cookie-*}), and how it is read from a
 * request and written in {@code Set-Cookie}, byte for byte as ingress-nginx's lua-resty-cookie
 * bakes it (affinity-spec.md §4.5):
 *
 * <pre>
 *   name=upstream_key|backend_key[; Expires=d][; Max-Age=n][; Domain=d]; Path=p[; Secure]; HttpOnly[; SameSite=v]
 * </pre>
 *
 * @param path {@code session-cookie-path}, or {@code null} for the route's path (a regex path's
 *     literal prefix: see {@link #pathFor})
 * @param domain or {@code null}
 * @param expires seconds from now for {@code Expires}, or {@code null}
 * @param maxAge seconds for {@code Max-Age}, or {@code null}
 * @param secure {@code session-cookie-secure}; HTTPS requests get {@code Secure} anyway
 * @param sameSite or {@code null}
 * @param conditionalSameSiteNone drop {@code SameSite=None} for browsers that mishandle it
 */
public record StickyCookie(String name, String path, String domain, Long expires, Long maxAge, boolean secure,
        SameSite sameSite, boolean conditionalSameSiteNone) {

    /** ingress-nginx's default cookie name. */
    public static final String DEFAULT_NAME = "INGRESSCOOKIE";

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    public StickyCookie {
        requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: \"\" (expected: a cookie name)");
        }
    }

    /** A cookie with only a name: session lifetime, the route's path. */
    public static StickyCookie named(String name) {
        return new StickyCookie(name, null, null, null, null, false, null, false);
    }

    /**
     * The value of this cookie in the request, or {@code null}: names compare case-sensitively,
     * the last occurrence wins, and a value ends at {@code ;}, a space or a tab, as
     * lua-resty-cookie reads {@code $http_cookie} (§4.1; unlike {@code canary-by-cookie}).
     */
    String read(HttpHeaders headers) {
        String found = null;
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            int n = header.length();
            int i = 0;
            while (i < n) {
                while (i < n && isSeparator(header.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';') {
                    i++;
                }
                if (i >= n || header.charAt(i) == ';') {
                    continue; // a pair without '='
                }
                boolean match = i - start == name.length() && header.startsWith(name, start);
                int valueStart = ++i;
                while (i < n && header.charAt(i) != ';' && header.charAt(i) != ' ' && header.charAt(i) != '\t') {
                    i++;
                }
                if (match) {
                    found = header.substring(valueStart, i);
                }
                while (i < n && header.charAt(i) != ';') {
                    i++;
                }
            }
        }
        return found;
    }

    private static boolean isSeparator(char c) {
        return c == ';' || c == ' ' || c == '\t';
    }

    /** The {@code Set-Cookie} value carrying {@code value}, for a request on {@code route}'s path. */
    String header(String value, PathMatch route, boolean https, String userAgent, long nowMillis) {
        StringBuilder b = new StringBuilder(128).append(name).append('=').append(value);
        if (expires != null) {
            b.append("; Expires=");
            cookieTime(b, nowMillis / 1000 + expires);
        }
        if (maxAge != null) {
            b.append("; Max-Age=").append(maxAge.longValue());
        }
        if (domain != null) {
            b.append("; Domain=").append(domain);
        }
        b.append("; Path=").append(pathFor(route));
        if (secure || https) {
            b.append("; Secure");
        }
        b.append("; HttpOnly");
        if (sameSite != null
                && !(sameSite == SameSite.NONE && conditionalSameSiteNone && SameSite.incompatibleWithNone(userAgent))) {
            b.append("; SameSite=").append(sameSite.attribute());
        }
        return b.toString();
    }

    /**
     * {@code session-cookie-path}, else the route's path as written in the Ingress. A regex path
     * would be useless as a cookie Path (browsers never send {@code Path=/foo/.*} back, #3362,
     * #8961): it becomes its longest literal prefix up to a {@code /}, as Envoy Gateway does, so
     * {@code /foo/.*} gives {@code /foo} and {@code /(de|fr)(.*)$} gives {@code /}.
     */
    String pathFor(PathMatch route) {
        if (path != null) {
            return path;
        }
        String p = route.path();
        if (route.type() != PathType.REGEX) {
            return p;
        }
        for (int i = 0; i < p.length(); i++) {
            if (".^$*+?()[]{}|\\".indexOf(p.charAt(i)) >= 0) {
                int slash = p.lastIndexOf('/', i);
                return slash <= 0 ? "/" : p.substring(0, slash);
            }
        }
        return p;
    }

    /**
     * nginx's {@code ngx_http_cookie_time}: {@code Wdy, DD-Mon-YY HH:MM:SS GMT}, a two-digit year
     * up to 2037 and four after, as ingress-nginx writes it (not RFC 1123; browsers accept both).
     */
    static void cookieTime(StringBuilder b, long epochSeconds) {
        ZonedDateTime t = ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
        int year = t.getYear();
        b.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        two(b, t.getDayOfMonth()).append('-').append(MONTHS[t.getMonthValue() - 1]).append('-');
        if (year > 2037) {
            b.append(year);
        } else {
            two(b, Math.floorMod(year, 100));
        }
        b.append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(" GMT");
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(path=%s, domain=%s, expires=%s, max-age=%s, secure=%s, samesite=%s%s)",
                name, path == null ? "<route path>" : path, domain, expires, maxAge, secure, sameSite,
                conditionalSameSiteNone ? ", conditional" : "");
    }
}
