package dev.linnet.gateway.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Locale;

/**
 * {@code proxy-redirect-from}/{@code -to}, {@code proxy-cookie-domain}, {@code proxy-cookie-path}
 * (annotations-spec.md §3.7), nginx's {@code proxy_redirect}, {@code proxy_cookie_domain} and
 * {@code proxy_cookie_path} with literal arguments:
 *
 * <ul>
 *   <li>{@code Location} and the {@code url=} of {@code Refresh} starting with {@code redirectFrom}
 *       (case-sensitive) get that prefix replaced by {@code redirectTo};</li>
 *   <li>a {@code Set-Cookie} {@code Domain} equal to {@code domainFrom} (case-insensitive, a leading
 *       dot ignored and kept) becomes {@code domainTo};</li>
 *   <li>a {@code Set-Cookie} {@code Path} starting with {@code pathFrom} (case-sensitive) gets that
 *       prefix replaced by {@code pathTo}.</li>
 * </ul>
 *
 * A {@code null} pair is off (ingress-nginx's default: these headers pass untouched).
 */
public record ProxyRedirect(String redirectFrom, String redirectTo, String domainFrom, String domainTo,
        String pathFrom, String pathTo) implements ResponsePolicy {

    public ProxyRedirect {
        if ((redirectFrom == null) != (redirectTo == null) || (domainFrom == null) != (domainTo == null)
                || (pathFrom == null) != (pathTo == null)) {
            throw new IllegalArgumentException("from and to come in pairs");
        }
        if (domainFrom != null && domainFrom.startsWith(".")) {
            domainFrom = domainFrom.substring(1);
        }
    }

    @Override
    public Step step() {
        return Step.PROXY_REDIRECT;
    }

    @Override
    public void onResponse(RequestContext request, HttpResponse response) {
        HttpHeaders h = response.headers();
        if (redirectFrom != null) {
            String location = h.get(HttpHeaderNames.LOCATION);
            if (location != null && location.startsWith(redirectFrom)) {
                h.set(HttpHeaderNames.LOCATION, redirectTo + location.substring(redirectFrom.length()));
            }
            String refresh = h.get("Refresh");
            if (refresh != null) {
                int url = refresh.toLowerCase(Locale.ROOT).indexOf("url=");
                if (url >= 0 && refresh.startsWith(redirectFrom, url + 4)) {
                    h.set("Refresh", refresh.substring(0, url + 4) + redirectTo
                            + refresh.substring(url + 4 + redirectFrom.length()));
                }
            }
        }
        if (domainFrom != null || pathFrom != null) {
            List<String> cookies = h.getAll(HttpHeaderNames.SET_COOKIE);
            if (!cookies.isEmpty()) {
                h.remove(HttpHeaderNames.SET_COOKIE);
                for (String c : cookies) {
                    h.add(HttpHeaderNames.SET_COOKIE, rewriteCookie(c));
                }
            }
        }
    }

    /** The cookie with its Domain and Path attributes rewritten; everything else byte for byte. */
    String rewriteCookie(String cookie) {
        String[] parts = cookie.split(";", -1);
        StringBuilder out = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int start = 0;
            while (start < p.length() && p.charAt(start) == ' ') {
                start++;
            }
            int eq = p.indexOf('=', start);
            String name = eq < 0 ? "" : p.substring(start, eq).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1);
            if (domainFrom != null && name.equals("domain")) {
                boolean dot = value.startsWith(".");
                if ((dot ? value.substring(1) : value).equalsIgnoreCase(domainFrom)) {
                    p = p.substring(0, eq + 1) + (dot ? "." : "") + domainTo;
                }
            } else if (pathFrom != null && name.equals("path") && value.startsWith(pathFrom)) {
                p = p.substring(0, eq + 1) + pathTo + value.substring(pathFrom.length());
            }
            out.append(';').append(p);
        }
        return out.toString();
    }
}
