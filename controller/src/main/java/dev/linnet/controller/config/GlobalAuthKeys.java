package dev.linnet.controller.config;

import dev.linnet.controller.annotation.AuthCacheAnnotations;
import dev.linnet.controller.annotation.ExternalAuthAnnotations;
import dev.linnet.controller.annotation.ValueType;
import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ConfigMap's global external auth (auth-limits-spec.md §3.6): the {@code global-auth-*} keys
 * become one {@link ExternalAuth}, built once per ConfigMap and shared by every route without an
 * {@code auth-url} of its own (unless its Ingress says {@code enable-global-auth: "false"}). The
 * values are checked as ingress-nginx's {@code ReadConfig} checks them, with its outcomes, except
 * where it would leave routes open:
 *
 * <pre>
 *   global-auth-url unusable        ─▶ ingress-nginx: global auth off, every route open (a log line)
 *                                      Linnet: those routes answer 503 (a Deny in the auth step), warned
 *   -method, -signin, -signin-redirect-param invalid ─▶ warned, ignored (GET, 401, rd)
 *   -response-headers: a bad name   ─▶ warned, that name dropped
 *   -request-redirect invalid       ─▶ warned, $request_uri (Linnet evaluates no variable there)
 *   -cache-key invalid              ─▶ warned, no caching
 *   -cache-duration invalid         ─▶ warned, 200 202 401 5m
 *   -always-set-cookie invalid      ─▶ warned, false
 *   -snippet                        ─▶ never executed: warned, ignored
 * </pre>
 *
 * No {@code auth-proxy-set-headers} nor keepalive counterpart exists, as in ingress-nginx.
 */
final class GlobalAuthKeys {

    static final String URL = "global-auth-url";
    static final String METHOD = "global-auth-method";
    static final String SIGNIN = "global-auth-signin";
    static final String SIGNIN_REDIRECT_PARAM = "global-auth-signin-redirect-param";
    static final String RESPONSE_HEADERS = "global-auth-response-headers";
    static final String REQUEST_REDIRECT = "global-auth-request-redirect";
    static final String SNIPPET = "global-auth-snippet";
    static final String CACHE_KEY = "global-auth-cache-key";
    static final String CACHE_DURATION = "global-auth-cache-duration";
    static final String ALWAYS_SET_COOKIE = "global-auth-always-set-cookie";

    static final List<String> KEYS = List.of(URL, METHOD, SIGNIN, SIGNIN_REDIRECT_PARAM, RESPONSE_HEADERS,
            REQUEST_REDIRECT, SNIPPET, CACHE_KEY, CACHE_DURATION, ALWAYS_SET_COOKIE);

    /** A query parameter name that cannot break the sign-in URL it is appended to. */
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9\\-._~]+");

    private GlobalAuthKeys() {
    }

    /** The global auth policy: an {@link ExternalAuth}, a {@link Deny} when the URL is unusable, or {@code null}. */
    static Policy read(ConfigMapData d) {
        List<String> present = new ArrayList<>();
        for (String key : KEYS) {
            if (d.string(key) != null) { // every key is ours whatever follows: none is reported as unknown
                present.add(key);
            }
        }
        if (present.contains(SNIPPET)) {
            d.warn("key " + SNIPPET + " is never executed (Linnet runs no nginx configuration); ignored");
            present.remove(SNIPPET);
        }
        String url = d.string(URL);
        if (url == null) {
            if (!present.isEmpty()) {
                d.warn("keys " + String.join(", ", present) + " are ignored without " + URL + ", as in ingress-nginx");
            }
            return null;
        }
        String problem = urlProblem(url);
        AuthTemplate urlTemplate = null;
        if (problem == null) {
            try {
                urlTemplate = AuthTemplate.compile(url);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            String reason = "key " + URL + ": " + WarningValue.quote(url) + " is unusable: " + problem;
            if (d.asIngressNginx()) { // its ReadConfig turns global auth off (auth-limits-spec §3.6)
                d.note(URL, WarningValue.quote(url) + " is unusable (" + problem + "): ingress-nginx turns global auth"
                        + " off and serves every route without it; Linnet answers 503 on the routes under global auth");
                return null;
            }
            d.warn(reason + "; every route under global auth answers 503 (ingress-nginx would serve them without"
                    + " authentication)");
            return new Deny("ConfigMap " + d.namespace() + '/' + d.name() + ' ' + reason, Step.EXTERNAL_AUTH);
        }
        return new ExternalAuth(urlTemplate, method(d), signin(d), responseHeaders(d), requestRedirect(d), List.of(),
                cacheKey(d), cacheDurations(d), d.bool(ALWAYS_SET_COOKIE, false));
    }

    /** ingress-nginx's {@code StringToURL} checks (no annotation character class: this is no annotation). */
    private static String urlProblem(String url) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "a control character in the url";
            }
        }
        return ExternalAuthAnnotations.urlProblem(url);
    }

    private static String method(ConfigMapData d) {
        String method = d.string(METHOD);
        if (method != null && !ExternalAuthAnnotations.validMethod(method)) {
            d.invalid(METHOD, method, ExternalAuthAnnotations.METHODS_EXPECTED, "GET");
            return null;
        }
        return method;
    }

    private static AuthTemplate signin(ConfigMapData d) {
        String param = d.string(SIGNIN_REDIRECT_PARAM, "rd");
        if (!PARAM.matcher(param).matches()) {
            d.invalid(SIGNIN_REDIRECT_PARAM, param, "a query parameter name of letters, digits and - . _ ~", "rd");
            param = "rd";
        }
        String signin = d.string(SIGNIN);
        if (signin == null) {
            return null;
        }
        String problem = urlProblem(signin);
        if (problem == null) {
            try {
                return AuthTemplate.compile(ExternalAuth.signinWithRedirect(signin, param));
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        d.warn("key " + SIGNIN + ": " + WarningValue.quote(signin) + " is unusable (" + problem
                + "); ignored: unauthenticated requests get 401, as in ingress-nginx");
        return null;
    }

    private static List<String> responseHeaders(ConfigMapData d) {
        List<String> names = new ArrayList<>();
        for (String name : d.list(RESPONSE_HEADERS)) {
            if (ExternalAuthAnnotations.validHeaderName(name)) {
                names.add(name);
            } else {
                d.warn("key " + RESPONSE_HEADERS + ": " + WarningValue.quote(name) + " is not a header name (expected:"
                        + " letters, digits, - and _); that name is dropped, as in ingress-nginx");
            }
        }
        return names;
    }

    /** The header value, or {@code null}: the request's own URI. */
    private static String requestRedirect(ConfigMapData d) {
        String value = d.string(REQUEST_REDIRECT);
        if (value != null && ValueType.URL_CHARS.parse(value) == null) {
            d.invalid(REQUEST_REDIRECT, value, ValueType.URL_CHARS.expected(), "$request_uri");
            return null;
        }
        return value;
    }

    private static AuthTemplate cacheKey(ConfigMapData d) {
        String key = d.string(CACHE_KEY);
        if (key == null) {
            return null;
        }
        try {
            return AuthTemplate.compile(key);
        } catch (IllegalArgumentException e) {
            d.warn("key " + CACHE_KEY + ": " + WarningValue.quote(key) + " is unusable (" + e.getMessage()
                    + "); auth answers are not cached");
            return null;
        }
    }

    private static Map<Integer, Duration> cacheDurations(ConfigMapData d) {
        String value = d.string(CACHE_DURATION);
        if (value == null) {
            return ExternalAuth.DEFAULT_CACHE_DURATIONS;
        }
        String bad = AuthCacheAnnotations.badDurationItem(value);
        if (bad != null) {
            d.invalid(CACHE_DURATION, value, AuthCacheAnnotations.DURATION_ITEM_EXPECTED + ", comma-separated",
                    "200 202 401 5m");
            return ExternalAuth.DEFAULT_CACHE_DURATIONS;
        }
        return AuthCacheAnnotations.durations(value);
    }
}
