package dev.linnet.controller.annotation;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.policy.ForwardedPrefix;
import dev.linnet.gateway.policy.NginxValue;
import dev.linnet.gateway.policy.ProxyRedirect;
import dev.linnet.gateway.policy.ResponseHeaderEdits;
import dev.linnet.gateway.policy.UpstreamHeaders;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The header annotations of annotations-spec.md §3.2–§3.4, §3.6, §3.7: {@code upstream-vhost},
 * {@code x-forwarded-prefix}, {@code connection-proxy-header} ({@link UpstreamHeaders},
 * {@link ForwardedPrefix}), {@code custom-headers} ({@link ResponseHeaderEdits}) and the Location
 * and cookie rewriting ({@link ProxyRedirect}).
 *
 * <p>Outcomes as ingress-nginx: a value its validator refuses drops the Ingress there (Linnet
 * keeps it with the key's default and says so), except {@code custom-headers}, whose every
 * problem is a DENY (503), and the rewrites, which fall back to {@code off}.
 */
public final class HeaderAnnotations {

    public static final AnnotationKey<String> UPSTREAM_VHOST = AnnotationKey.prefixed("upstream-vhost",
            ValueType.VERBATIM, "", "the client's Host",
            "the Host sent upstream; $service_name, $namespace, $host, $http_host expand");
    public static final AnnotationKey<String> X_FORWARDED_PREFIX = AnnotationKey.prefixed("x-forwarded-prefix",
            ValueType.VERBATIM, "", "none",
            "X-Forwarded-Prefix sent upstream, only where rewrite-target rewrites; $1… are the path's captures");
    public static final AnnotationKey<String> CUSTOM_HEADERS = AnnotationKey.prefixed("custom-headers",
            ValueType.VERBATIM, "", "none",
            "NAMESPACE/CONFIGMAP whose entries are set on every response; names must be in the ConfigMap's"
                    + " global-allowed-response-headers, else 503");
    public static final AnnotationKey<String> CONNECTION = AnnotationKey.prefixed("connection-proxy-header",
            ValueType.VERBATIM, "", "upgrade or none",
            "close or keep-alive: the Connection header sent upstream (no WebSocket then)");
    public static final AnnotationKey<String> REDIRECT_FROM = AnnotationKey.prefixed("proxy-redirect-from",
            ValueType.VERBATIM, "off", "prefix of Location / Refresh URLs to replace (case-sensitive); off");
    public static final AnnotationKey<String> REDIRECT_TO = AnnotationKey.prefixed("proxy-redirect-to",
            ValueType.VERBATIM, "off", "what replaces proxy-redirect-from; off");
    public static final AnnotationKey<String> COOKIE_DOMAIN = AnnotationKey.prefixed("proxy-cookie-domain",
            ValueType.VERBATIM, "off", "FROM TO: a Set-Cookie Domain equal to FROM (any case) becomes TO; off");
    public static final AnnotationKey<String> COOKIE_PATH = AnnotationKey.prefixed("proxy-cookie-path",
            ValueType.VERBATIM, "off", "FROM TO: a Set-Cookie Path starting with FROM gets TO instead; off");

    public static final List<AnnotationKey<?>> KEYS = List.of(UPSTREAM_VHOST, X_FORWARDED_PREFIX, CUSTOM_HEADERS,
            CONNECTION, REDIRECT_FROM, REDIRECT_TO, COOKIE_DOMAIN, COOKIE_PATH);

    private static final Pattern VHOST = Pattern.compile("[A-Za-z0-9\\-.:_$*{}~]+");
    private static final Pattern PREFIX = Pattern.compile("/?[\\-._~a-zA-Z0-9/:$]*");
    private static final Pattern BASIC_CHARS = Pattern.compile("[A-Za-z0-9\\-._~/]+");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-zA-Z\\d\\-_]+");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]+");
    private static final Pattern REDIRECT = Pattern.compile("[\\-._~a-zA-Z0-9/:,?&=]*");
    private static final Pattern COOKIE_DOMAIN_VALUE = Pattern.compile("off|[-._~a-zA-Z0-9/:]+\\s+[-._~a-zA-Z0-9/:]+");
    private static final Pattern URL_PAIR = Pattern.compile("off|[-._~a-zA-Z0-9/:?#\\[\\]@!&'()*+,;=%]+\\s+"
            + "[-._~a-zA-Z0-9/:?#\\[\\]@!&'()*+,;=%]+");

    private HeaderAnnotations() {
    }

    /**
     * Adds the header policies of one main Ingress to {@code c}.
     *
     * @param allowedResponseHeaders the controller ConfigMap's {@code global-allowed-response-headers}
     *     (case-sensitive names; empty by default, so every {@code custom-headers} is a 503)
     */
    public static void parse(PolicyCollector c, Set<String> allowedResponseHeaders) {
        Map<String, String> a = c.annotations();
        String prefix = c.prefix();
        List<UpstreamHeaders.Edit> upstream = new ArrayList<>();
        String vhost = strip(UPSTREAM_VHOST.raw(a, prefix));
        if (vhost != null) {
            NginxValue value = validated(c, UPSTREAM_VHOST, vhost, VHOST, "a host name, $variables allowed");
            if (value != null) {
                upstream.add(new UpstreamHeaders.Edit(UpstreamHeaders.Kind.REPLACE, "Host", value));
            }
        }
        String connection = strip(CONNECTION.raw(a, prefix));
        if (connection != null) {
            if (connection.equals("close") || connection.equals("keep-alive")) {
                upstream.add(new UpstreamHeaders.Edit(UpstreamHeaders.Kind.REPLACE, "Connection",
                        NginxValue.literal(connection)));
            } else {
                dropped(c, CONNECTION, connection, "close or keep-alive, case-sensitive");
            }
        }
        if (!upstream.isEmpty()) {
            c.add(new UpstreamHeaders(upstream));
        }
        String forwardedPrefix = strip(X_FORWARDED_PREFIX.raw(a, prefix));
        if (forwardedPrefix != null) {
            NginxValue value = validated(c, X_FORWARDED_PREFIX, forwardedPrefix.replace(" ", ""), PREFIX,
                    "a path of letters, digits and -._~/:$");
            if (value != null) {
                c.add(new ForwardedPrefix(value));
            }
        }
        customHeaders(c, allowedResponseHeaders);
        c.add(rewrites(c));
    }

    /** The value as an nginx string, or {@code null} with a warning (ingress-nginx's DROP, Linnet's default). */
    private static NginxValue validated(PolicyCollector c, AnnotationKey<String> key, String v, Pattern valid,
            String expected) {
        if (!valid.matcher(v).matches()) {
            dropped(c, key, v, expected);
            return null;
        }
        try {
            return NginxValue.parse(v, key == X_FORWARDED_PREFIX);
        } catch (IllegalArgumentException e) {
            c.warn(key.describe(c.prefix(), v) + " uses " + e.getMessage() + "; using " + key.defaultText());
            return null;
        }
    }

    private static void dropped(PolicyCollector c, AnnotationKey<String> key, String raw, String expected) {
        c.warn(key.describe(c.prefix(), raw) + " is invalid (expected: " + expected + "); using "
                + key.defaultText() + " " + Deviation.INGRESS_NGINX_DROPS);
    }

    /** {@code custom-headers} (§3.4): any problem is ingress-nginx's DENY, a 503 on every path. */
    private static void customHeaders(PolicyCollector c, Set<String> allowed) {
        String raw = CUSTOM_HEADERS.raw(c.annotations(), c.prefix());
        String ref = raw == null ? null : raw.replace(" ", "").strip();
        if (ref == null || ref.isEmpty()) {
            return;
        }
        if (!BASIC_CHARS.matcher(ref).matches()) {
            c.warn(CUSTOM_HEADERS.describe(c.prefix(), raw) + " is invalid (expected: NAMESPACE/CONFIGMAP); ignored");
            return;
        }
        int slash = ref.indexOf('/');
        String namespace = slash < 0 ? c.namespace() : ref.substring(0, slash);
        String name = ref.substring(slash + 1);
        ConfigMap cm = c.lookup().configMap(namespace, name);
        if (cm == null) {
            c.deny(CUSTOM_HEADERS.describe(c.prefix(), raw) + ": ConfigMap " + namespace + "/" + name
                    + " does not exist");
            return;
        }
        Map<String, String> data = cm.getData() == null ? Map.of() : new TreeMap<>(cm.getData());
        List<ResponseHeaderEdits.Edit> edits = new ArrayList<>();
        for (var e : data.entrySet()) {
            String problem = !HEADER_NAME.matcher(e.getKey()).matches() ? "is not a header name"
                    : e.getValue() == null || !PRINTABLE.matcher(e.getValue()).matches()
                            ? "has no printable ASCII value"
                    : !allowed.contains(e.getKey()) ? "is not in the controller ConfigMap's"
                            + " global-allowed-response-headers" : null;
            if (problem != null) {
                c.deny(CUSTOM_HEADERS.describe(c.prefix(), raw) + ": key " + AnnotationKey.quote(e.getKey())
                        + " of ConfigMap " + namespace + "/" + name + " " + problem);
                return;
            }
            // more_set_headers with $ escaped: the value is literal (H7)
            edits.add(ResponseHeaderEdits.Edit.of(ResponseHeaderEdits.Kind.SET, e.getKey(),
                    NginxValue.literal(e.getValue())));
        }
        if (!edits.isEmpty()) {
            c.add(new ResponseHeaderEdits(edits));
        }
    }

    /**
     * {@code proxy-redirect-*} and {@code proxy-cookie-*} (§3.7), each key on its own: the
     * annotation, else (absent or invalid) the controller ConfigMap's key of the same name, else
     * {@code off}, as ingress-nginx's proxy parser falls back to its default backend's values.
     */
    private static ProxyRedirect rewrites(PolicyCollector c) {
        AnnotationDefaults.Rewrites defaults = c.defaults().rewrites();
        String from = rewriteValue(c, REDIRECT_FROM, defaults.redirectFrom());
        String to = rewriteValue(c, REDIRECT_TO, defaults.redirectTo());
        if (from == null || from.equals("off") || from.equals("default") || to == null || to.equals("off")) {
            from = null; // "default" is nginx's proxy_redirect default: a no-op behind ingress-nginx
            to = null;
        }
        String[] domain = pair(rewriteValue(c, COOKIE_DOMAIN, defaults.cookieDomain()));
        String[] path = pair(rewriteValue(c, COOKIE_PATH, defaults.cookiePath()));
        if (from == null && domain == null && path == null) {
            return null;
        }
        return new ProxyRedirect(from, to, domain == null ? null : domain[0], domain == null ? null : domain[1],
                path == null ? null : path[0], path == null ? null : path[1]);
    }

    private static String rewriteValue(PolicyCollector c, AnnotationKey<String> key, String fallback) {
        String v = strip(key.raw(c.annotations(), c.prefix()));
        if (v == null) {
            return fallback;
        }
        if (!validRewrite(key, v)) {
            c.warn(key.describe(c.prefix(), v) + " is invalid (expected: " + expectedRewrite(key) + "); using "
                    + (fallback.equals("off") ? "off" : AnnotationKey.quote(fallback) + " (the ConfigMap's default)"));
            return fallback;
        }
        return v;
    }

    /** Whether {@code v} (trimmed) passes ingress-nginx's validator of the rewriting {@code key} (§3.7). */
    public static boolean validRewrite(AnnotationKey<String> key, String v) {
        if (key == COOKIE_DOMAIN) {
            return COOKIE_DOMAIN_VALUE.matcher(v).matches();
        }
        if (key == COOKIE_PATH) {
            return URL_PAIR.matcher(v).matches();
        }
        return REDIRECT.matcher(v.replace(" ", "")).matches();
    }

    /** What a valid value of the rewriting {@code key} looks like. */
    public static String expectedRewrite(AnnotationKey<String> key) {
        return key == REDIRECT_FROM || key == REDIRECT_TO ? "a URL prefix, or off" : "FROM TO, or off";
    }

    private static String[] pair(String v) {
        if (v == null || v.equals("off")) {
            return null;
        }
        String[] parts = v.split("\\s+");
        return parts.length == 2 ? parts : null;
    }

    private static String strip(String raw) {
        if (raw == null) {
            return null;
        }
        String v = raw.strip();
        return v.isEmpty() ? null : v;
    }
}
