package dev.linnet.controller.annotation;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.ExternalAuth;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code auth-url} family (auth-limits-spec.md §3.1): the {@link ExternalAuth} policy, with
 * ingress-nginx's validators and outcome classes (§1.2) — a character it refuses drops the Ingress,
 * a value it cannot use denies it (503) — and the deliberate differences of §3.8: where ingress-nginx
 * silently switches authentication off (SKIP: a {@code $} in {@code auth-request-redirect}, a bad
 * character in {@code auth-cache-duration}, a non-boolean {@code auth-always-set-cookie}) Linnet
 * denies instead; and only a closed set of variables is evaluated, any other is a 503.
 */
public final class ExternalAuthAnnotations {

    public static final AnnotationKey<String> URL = AnnotationKey.prefixed("auth-url",
            ValueType.URL_WITH_VARIABLES, "", "none",
            "the external auth service (http or https, variables such as $host allowed); its 2xx lets the request pass");
    public static final AnnotationKey<String> METHOD = AnnotationKey.prefixed("auth-method", ValueType.VERBATIM, "",
            "GET", "method of the auth subrequest (GET HEAD POST PUT PATCH DELETE CONNECT OPTIONS TRACE)");
    public static final AnnotationKey<String> SIGNIN = AnnotationKey.prefixed("auth-signin",
            ValueType.URL_WITH_VARIABLES, "", "none (401)", "where a 401 of the auth service redirects (302) to");
    public static final AnnotationKey<String> SIGNIN_REDIRECT_PARAM = AnnotationKey.prefixed(
            "auth-signin-redirect-param", ValueType.URL_CHARS, "rd",
            "the query parameter of the sign-in URL that carries the original URL");
    public static final AnnotationKey<String> RESPONSE_HEADERS = AnnotationKey.prefixed("auth-response-headers",
            ValueType.HEADER_LIST, "", "none", "headers of the auth answer copied onto the proxied request");
    public static final AnnotationKey<String> REQUEST_REDIRECT = AnnotationKey.prefixed("auth-request-redirect",
            ValueType.URL_CHARS, "", "$request_uri", "the X-Auth-Request-Redirect header of the subrequest");
    public static final AnnotationKey<String> PROXY_SET_HEADERS = AnnotationKey.prefixed("auth-proxy-set-headers",
            ValueType.BASIC_CHARS, "", "none", "namespace/name of a ConfigMap of headers added to the subrequest");
    public static final AnnotationKey<Boolean> ALWAYS_SET_COOKIE = AnnotationKey.prefixed("auth-always-set-cookie",
            ValueType.BOOL, false, "the auth answer's Set-Cookie on every response, not only on successes");
    public static final AnnotationKey<Long> KEEPALIVE = AnnotationKey.prefixed("auth-keepalive", ValueType.INT, 0L,
            "accepted; Linnet always pools auth connections");
    public static final AnnotationKey<Long> KEEPALIVE_REQUESTS = AnnotationKey.prefixed("auth-keepalive-requests",
            ValueType.INT, 1000L, "accepted; Linnet always pools auth connections");
    public static final AnnotationKey<Long> KEEPALIVE_TIMEOUT = AnnotationKey.prefixed("auth-keepalive-timeout",
            ValueType.INT, 60L, "accepted; Linnet always pools auth connections");
    public static final AnnotationKey<Boolean> KEEPALIVE_SHARE_VARS = AnnotationKey.prefixed(
            "auth-keepalive-share-vars", ValueType.BOOL, false, "accepted; has no meaning in Linnet");
    public static final AnnotationKey<Boolean> ENABLE_GLOBAL_AUTH = AnnotationKey.prefixed("enable-global-auth",
            ValueType.BOOL, true, "false: the routes of this Ingress skip the ConfigMap's global external auth");

    public static final List<AnnotationKey<?>> KEYS = List.of(URL, METHOD, SIGNIN, SIGNIN_REDIRECT_PARAM,
            RESPONSE_HEADERS, REQUEST_REDIRECT, PROXY_SET_HEADERS, AuthCacheAnnotations.CACHE_KEY,
            AuthCacheAnnotations.CACHE_DURATION, ALWAYS_SET_COOKIE,
            KEEPALIVE, KEEPALIVE_REQUESTS, KEEPALIVE_TIMEOUT, KEEPALIVE_SHARE_VARS, ENABLE_GLOBAL_AUTH);

    private static final Pattern METHODS = Pattern.compile("GET|HEAD|POST|PUT|PATCH|DELETE|CONNECT|OPTIONS|TRACE");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-zA-Z\\d\\-_]+");
    /** What {@link #validMethod} accepts. */
    public static final String METHODS_EXPECTED = METHODS.pattern().replace('|', ' ') + ", upper case";

    private ExternalAuthAnnotations() {
    }

    /**
     * Adds the policy to {@code c}, or its DENY / DROP. An Ingress without {@code auth-url} gets the
     * ConfigMap's global auth ({@link AnnotationDefaults#globalAuth()}, auth-limits-spec.md §3.6)
     * unless it says {@code enable-global-auth: "false"} (invalid: true, with a warning).
     */
    public static void parse(PolicyCollector c) {
        Map<String, String> a = c.annotations();
        String prefix = c.prefix();
        boolean globalAuth = ENABLE_GLOBAL_AUTH.read(a, prefix, c.warnings());
        String rawUrl = URL.raw(a, prefix);
        if (rawUrl == null || rawUrl.isBlank()) {
            for (AnnotationKey<?> key : KEYS) {
                String raw = key.raw(a, prefix);
                if (key != URL && key != ENABLE_GLOBAL_AUTH && raw != null && !raw.isBlank()) {
                    c.warn(key.describe(prefix, raw) + " is ignored without " + URL.fullName(prefix)
                            + ", as in ingress-nginx");
                }
            }
            if (globalAuth) {
                c.add(c.defaults().globalAuth());
            }
            return;
        }
        String url = parseChecked(URL, rawUrl);
        if (url == null) {
            c.drop(URL.describe(prefix, rawUrl) + " has a character ingress-nginx refuses (expected: "
                    + URL.expected() + ")");
            return;
        }
        AuthTemplate urlTemplate = template(c, URL, rawUrl, url);
        String urlProblem = urlProblem(url);
        if (urlProblem != null) {
            c.deny(URL.describe(prefix, rawUrl) + ": could not parse auth-url annotation: " + urlProblem);
            return;
        }
        String method = method(c);
        String signin = signin(c);
        List<String> responseHeaders = responseHeaders(c);
        String requestRedirect = requestRedirect(c);
        List<ExternalAuth.SetHeader> setHeaders = proxySetHeaders(c);
        AuthTemplate cacheKey = AuthCacheAnnotations.cacheKey(c);
        Map<Integer, Duration> durations = AuthCacheAnnotations.cacheDurations(c);
        Boolean always = alwaysSetCookie(c);
        keepalive(c);
        if (c.failed() || requestRedirect == null || durations == null || always == null) {
            // denied (or dropped) above, with its warning: nothing of it may run; built as
            // ingress-nginx, those three leave the Ingress without external auth instead
            return;
        }
        c.add(new ExternalAuth(urlTemplate, method.isEmpty() ? null : method,
                signin == null ? null : AuthTemplate.compile(signin), responseHeaders,
                requestRedirect.isEmpty() ? null : requestRedirect, setHeaders, cacheKey, durations, always));
    }

    /**
     * The value after ingress-nginx's validator and per-line trimming, or {@code null} when refused;
     * the character classes exclude CR and LF, and a NUL is refused too (header injection).
     */
    static String parseChecked(AnnotationKey<String> key, String raw) {
        return raw.indexOf('\0') >= 0 ? null : key.parse(raw);
    }

    /** The value compiled with the closed variable set; {@code null} and a DENY when a variable is unknown. */
    static AuthTemplate template(PolicyCollector c, AnnotationKey<String> key, String raw, String value) {
        try {
            return AuthTemplate.compile(value);
        } catch (IllegalArgumentException e) {
            c.deny(key.describe(c.prefix(), raw) + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * Go's {@code url.Parse} checks as ingress-nginx's {@code StringToURL} makes them, plus http/https only.
     *
     * @return what is wrong, or {@code null}
     */
    public static String urlProblem(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            return "url scheme is empty";
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "url scheme " + scheme + " (expected: http or https)";
        }
        String rest = url.substring(schemeEnd + 3);
        int end = rest.length();
        for (char stop : new char[] {'/', '?'}) {
            int i = rest.indexOf(stop);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String host = rest.substring(0, end);
        if (host.isEmpty()) {
            return "url host is empty";
        }
        if (host.contains("..")) {
            return "invalid url host";
        }
        if (url.indexOf(' ') >= 0) {
            return "a space in the url";
        }
        if (!url.contains("$")) {
            try {
                new URI(url);
            } catch (URISyntaxException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /** Whether {@code method} is one ingress-nginx accepts for the auth subrequest (anchored since CVE-2026-1580). */
    public static boolean validMethod(String method) {
        return METHODS.matcher(method).matches();
    }

    /** Whether {@code name} is a header name ingress-nginx accepts in {@code auth-response-headers}. */
    public static boolean validHeaderName(String name) {
        return HEADER_NAME.matcher(name).matches();
    }

    private static String method(PolicyCollector c) {
        String raw = METHOD.raw(c.annotations(), c.prefix());
        if (raw == null || raw.strip().isEmpty()) {
            return "";
        }
        String m = raw.strip();
        if (!validMethod(m)) {
            c.deny(METHOD.describe(c.prefix(), raw) + " is an invalid HTTP method (expected: " + METHODS_EXPECTED + ")");
            return null;
        }
        return m;
    }

    /** The sign-in URL with its redirect parameter, or {@code null} (none, or denied). */
    private static String signin(PolicyCollector c) {
        String raw = SIGNIN.raw(c.annotations(), c.prefix());
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = parseChecked(SIGNIN, raw);
        if (value == null) {
            c.warn(SIGNIN.describe(c.prefix(), raw) + " is invalid (expected: " + SIGNIN.expected()
                    + "); ignored: unauthenticated requests get 401, as in ingress-nginx");
            return null;
        }
        String param = SIGNIN_REDIRECT_PARAM.read(c.annotations(), c.prefix(), c.warnings());
        if (param.isEmpty()) {
            param = "rd";
        }
        String full = ExternalAuth.signinWithRedirect(value, param);
        return template(c, SIGNIN, raw, full) == null ? null : full;
    }

    private static List<String> responseHeaders(PolicyCollector c) {
        String raw = RESPONSE_HEADERS.raw(c.annotations(), c.prefix());
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        String value = parseChecked(RESPONSE_HEADERS, raw);
        List<String> names = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                String name = part.strip();
                if (!validHeaderName(name)) {
                    value = null;
                    break;
                }
                names.add(name);
            }
        }
        if (value == null) {
            c.deny(RESPONSE_HEADERS.describe(c.prefix(), raw) + " is invalid (expected: " + RESPONSE_HEADERS.expected()
                    + ")");
            return null;
        }
        return names;
    }

    /** {@code ""} for the default ($request_uri); {@code null} after a DENY. */
    private static String requestRedirect(PolicyCollector c) {
        String raw = REQUEST_REDIRECT.raw(c.annotations(), c.prefix());
        if (raw == null || raw.isBlank()) {
            return "";
        }
        String value = parseChecked(REQUEST_REDIRECT, raw);
        if (value == null) {
            c.denyWhereIngressNginxServesOpen(REQUEST_REDIRECT.name(), REQUEST_REDIRECT.describe(c.prefix(), raw)
                    + " is invalid (expected: " + REQUEST_REDIRECT.expected()
                    + "); ingress-nginx would have served the Ingress without authentication (#10813)");
            return null;
        }
        return value;
    }

    /** The ConfigMap's headers in key order; {@code null} after a DENY. */
    private static List<ExternalAuth.SetHeader> proxySetHeaders(PolicyCollector c) {
        String raw = PROXY_SET_HEADERS.raw(c.annotations(), c.prefix());
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        String value = parseChecked(PROXY_SET_HEADERS, raw);
        String problem = null;
        ConfigMap map = null;
        if (value == null) {
            problem = "is invalid (expected: namespace/name of a ConfigMap)";
        } else {
            int slash = value.indexOf('/');
            if (slash <= 0 || slash != value.lastIndexOf('/') || slash == value.length() - 1) {
                problem = "does not name a ConfigMap as namespace/name (a bare name is never found, as in ingress-nginx)";
            } else if (!value.substring(0, slash).equals(c.namespace())) {
                problem = "names a ConfigMap in another namespace than the Ingress's " + c.namespace()
                        + " (allow-cross-namespace-resources is false)";
            } else {
                map = c.lookup().configMap(value.substring(0, slash), value.substring(slash + 1));
                if (map == null) {
                    problem = "names a ConfigMap that does not exist";
                }
            }
        }
        List<ExternalAuth.SetHeader> headers = new ArrayList<>();
        if (map != null) {
            Map<String, String> data = map.getData() == null ? Map.of() : new TreeMap<>(map.getData());
            for (var e : data.entrySet()) {
                String v = e.getValue() == null ? "" : e.getValue();
                if (!HEADER_NAME.matcher(e.getKey()).matches()) {
                    problem = "names a ConfigMap whose key " + AnnotationKey.quote(e.getKey())
                            + " is not a header name (expected: letters, digits, - and _)";
                } else if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0) {
                    problem = "names a ConfigMap whose value of " + e.getKey()
                            + " has a CR, LF or NUL (header injection)";
                } else {
                    try {
                        headers.add(new ExternalAuth.SetHeader(e.getKey(), AuthTemplate.compile(v)));
                    } catch (IllegalArgumentException ex) {
                        problem = "names a ConfigMap whose value of " + e.getKey() + ": " + ex.getMessage();
                    }
                }
                if (problem != null) {
                    break;
                }
            }
        }
        if (problem != null) {
            c.deny(PROXY_SET_HEADERS.describe(c.prefix(), raw) + " " + problem);
            return null;
        }
        return headers;
    }

    private static Boolean alwaysSetCookie(PolicyCollector c) {
        String raw = ALWAYS_SET_COOKIE.raw(c.annotations(), c.prefix());
        if (raw == null || raw.isEmpty()) {
            return false;
        }
        Boolean v = ValueType.BOOL.parse(raw);
        if (v == null) {
            c.denyWhereIngressNginxServesOpen(ALWAYS_SET_COOKIE.name(), ALWAYS_SET_COOKIE.describe(c.prefix(), raw)
                    + " is invalid (expected: " + ALWAYS_SET_COOKIE.expected()
                    + "); ingress-nginx would have served the Ingress without authentication");
        }
        return v;
    }

    /** ingress-nginx's keepalive variant (§3.5) only tunes the pool in Linnet: values are checked, nothing more. */
    private static void keepalive(PolicyCollector c) {
        KEEPALIVE.read(c.annotations(), c.prefix(), c.warnings());
        KEEPALIVE_REQUESTS.read(c.annotations(), c.prefix(), c.warnings());
        KEEPALIVE_TIMEOUT.read(c.annotations(), c.prefix(), c.warnings());
        KEEPALIVE_SHARE_VARS.read(c.annotations(), c.prefix(), c.warnings());
    }
}
