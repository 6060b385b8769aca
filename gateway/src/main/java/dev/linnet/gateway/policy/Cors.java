package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;

/**
 * {@code enable-cors} and its {@code cors-*} keys, as ingress-nginx's CORS template runs them in
 * the location's rewrite phase (annotations-spec.md §1.2):
 *
 * <pre>
 *   origins ["*"]                     ─▶ CORS, Allow-Origin "*" (with or without an Origin)
 *   Origin matches one of the origins ─▶ CORS, Allow-Origin = the Origin as sent
 *   else                              ─▶ nothing: no header, OPTIONS is proxied like any request
 *   CORS and OPTIONS                  ─▶ 204 here, the backend never sees it
 *   CORS                              ─▶ the headers replace the backend's on every response:
 *                                        proxied, redirects, the route's own 403 / 502 / 503 …
 * </pre>
 *
 * It runs before the redirects, ssl-redirect, the canary choice and the access checks, so a
 * preflight is answered over plain HTTP on a TLS host, from outside an allowlist, without
 * credentials, as nginx answers it.
 *
 * <p>Matching: an origin {@code scheme://*.host[:port]} stands for exactly one DNS label in place
 * of the {@code *}; ports are literal; case-insensitive as nginx's {@code ~*}. Deliberate
 * difference: the match is anchored at both ends, where ingress-nginx anchors it at the end only
 * (so it also accepts {@code evilhttps://foo.bar.com} for {@code https://foo.bar.com}).
 *
 * @param origins {@code ["*"]}, or the valid origins of {@code cors-allow-origin} (never empty)
 * @param allowMethods {@code Access-Control-Allow-Methods}, sent verbatim
 * @param allowHeaders {@code Access-Control-Allow-Headers}, sent verbatim
 * @param allowCredentials whether {@code Access-Control-Allow-Credentials: true} is sent (never {@code false})
 * @param exposeHeaders {@code Access-Control-Expose-Headers}; empty: not sent
 * @param maxAge {@code Access-Control-Max-Age}
 */
public record Cors(List<String> origins, String allowMethods, String allowHeaders, boolean allowCredentials,
        String exposeHeaders, long maxAge) implements RequestPolicy, ResponsePolicy {

    /** The request's Allow-Origin, attached when CORS applies to it. */
    private static final Object ALLOWED_ORIGIN = new Object();
    private static final String TRUE = "true";

    public Cors {
        origins = List.copyOf(origins);
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("origins: [] (expected: [\"*\"] or at least one origin)");
        }
        requireNonNull(allowMethods, "allowMethods");
        requireNonNull(allowHeaders, "allowHeaders");
        requireNonNull(exposeHeaders, "exposeHeaders");
    }

    @Override
    public Step step() {
        return Step.CORS;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        String allowed = allowedOrigin(request.request().headers().get(HttpHeaderNames.ORIGIN));
        if (allowed == null) {
            return Flow.CONTINUE;
        }
        request.attach(ALLOWED_ORIGIN, allowed);
        if (!HttpMethod.OPTIONS.equals(request.request().method())) {
            return Flow.CONTINUE;
        }
        request.answer(Answers.noContent()); // the headers come with onResponse, as on every answer
        return Flow.ANSWERED;
    }

    @Override
    public void onResponse(RequestContext request, HttpResponse response) {
        Object allowed = request.attachment(ALLOWED_ORIGIN);
        if (allowed == null) {
            return;
        }
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        if (allowCredentials) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, allowMethods);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders);
        if (!exposeHeaders.isEmpty()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
        h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAge);
    }

    /** The Allow-Origin for a request with this {@code Origin} (maybe null), or {@code null}: no CORS. */
    String allowedOrigin(String origin) {
        if (origins.size() == 1 && origins.get(0).equals("*")) {
            return "*";
        }
        if (origin == null) {
            return null;
        }
        for (String o : origins) {
            if (matches(o, origin)) {
                return origin;
            }
        }
        return null;
    }

    /**
     * Whether {@code origin} is {@code allowed} ({@code scheme://host[:port]}, {@code null}, or
     * {@code scheme://*.host[:port]}), ignoring case, over the whole string.
     */
    static boolean matches(String allowed, String origin) {
        int star = allowed.indexOf("://*.");
        if (star < 0) {
            return allowed.equalsIgnoreCase(origin);
        }
        int labelStart = star + 3; // where the * stands
        int suffix = allowed.length() - labelStart - 1; // ".host[:port]"
        int labelEnd = origin.length() - suffix;
        if (labelEnd <= labelStart || !origin.regionMatches(true, 0, allowed, 0, labelStart)
                || !origin.regionMatches(true, labelEnd, allowed, labelStart + 1, suffix)) {
            return false;
        }
        for (int i = labelStart; i < labelEnd; i++) { // nginx's [A-Za-z0-9\-]+: one DNS label
            char c = origin.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
