package dev.linnet.controller.config;

import dev.linnet.controller.annotation.AccessAnnotations;
import dev.linnet.controller.annotation.AnnotationKey;
import dev.linnet.controller.annotation.HeaderAnnotations;
import dev.linnet.controller.annotation.ProxyAnnotations;
import dev.linnet.controller.annotation.ValueType;
import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.route.SourceRanges;
import java.util.List;

/**
 * The keys that are annotation defaults or global policies (annotations-spec.md §10 "A+C" rows,
 * auth-limits-spec.md §3.6): {@code ssl-redirect}, {@code force-ssl-redirect},
 * {@code no-tls-redirect-locations}, {@code whitelist-source-range}, {@code load-balance},
 * {@code no-auth-locations}, {@code proxy-request-buffering}, {@code service-upstream},
 * {@code relative-redirects}, {@code denylist-source-range}, {@code proxy-redirect-from}/{@code -to},
 * {@code proxy-cookie-domain}/{@code -path}, {@code proxy-http-version} and the
 * {@code global-auth-*} keys ({@link GlobalAuthKeys}). Read once per ConfigMap into
 * {@link AnnotationDefaults}, which every Ingress of the build then shares.
 *
 * <p>Security keys fail closed: a {@code whitelist-source-range} without a valid entry allows
 * nobody, a {@code denylist-source-range} with an invalid entry makes every Ingress without its
 * own deny list answer 503 (as that annotation would), an unusable {@code global-auth-url} answers
 * 503. The others keep their built-in default with a warning (ingress-nginx writes them into
 * nginx.conf unchecked, where a bad one fails the whole reload).
 */
final class DefaultKeys {

    static final String SSL_REDIRECT = "ssl-redirect";
    static final String FORCE_SSL_REDIRECT = "force-ssl-redirect";
    static final String NO_TLS_REDIRECT_LOCATIONS = "no-tls-redirect-locations";
    static final String WHITELIST_SOURCE_RANGE = "whitelist-source-range";
    static final String LOAD_BALANCE = "load-balance";
    static final String NO_AUTH_LOCATIONS = "no-auth-locations";
    static final String REQUEST_BUFFERING = "proxy-request-buffering";
    static final String SERVICE_UPSTREAM = "service-upstream";
    static final String RELATIVE_REDIRECTS = "relative-redirects";
    static final String DENYLIST_SOURCE_RANGE = "denylist-source-range";
    static final String PROXY_HTTP_VERSION = "proxy-http-version";

    private DefaultKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        AnnotationDefaults builtIn = AnnotationDefaults.DEFAULT;
        out.defaults(new AnnotationDefaults(
                d.bool(SSL_REDIRECT, builtIn.sslRedirect()),
                d.bool(FORCE_SSL_REDIRECT, builtIn.forceSslRedirect()),
                locations(d, NO_TLS_REDIRECT_LOCATIONS),
                allowlist(d),
                loadBalance(d),
                GlobalAuthKeys.read(d),
                locations(d, NO_AUTH_LOCATIONS),
                d.get(REQUEST_BUFFERING, ValueType.ON_OFF, builtIn.requestBuffering()),
                d.bool(SERVICE_UPSTREAM, builtIn.serviceUpstream()),
                d.bool(RELATIVE_REDIRECTS, builtIn.relativeRedirects()),
                denylist(d),
                new AnnotationDefaults.Rewrites(rewrite(d, HeaderAnnotations.REDIRECT_FROM),
                        rewrite(d, HeaderAnnotations.REDIRECT_TO), rewrite(d, HeaderAnnotations.COOKIE_DOMAIN),
                        rewrite(d, HeaderAnnotations.COOKIE_PATH)),
                d.get(PROXY_HTTP_VERSION, ProxyAnnotations.HTTP_1_0, builtIn.http10())));
    }

    /**
     * The default deny list as written; the Ingresses check it ({@code AccessAnnotations.withDenylist}),
     * and an invalid entry is warned about here once, for the ConfigMap.
     */
    private static String denylist(ConfigMapData d) {
        String raw = d.string(DENYLIST_SOURCE_RANGE);
        if (raw == null) {
            return null;
        }
        for (String entry : d.list(DENYLIST_SOURCE_RANGE)) {
            if (!SourceRanges.isValid(entry)) {
                d.warn("key " + DENYLIST_SOURCE_RANGE + ": " + WarningValue.quote(raw) + ": entry "
                        + WarningValue.quote(entry) + " is invalid (expected: " + SourceRanges.EXPECTED + "); every"
                        + " Ingress without its own denylist-source-range answers 503 (a deny list never fails open)");
                break;
            }
        }
        return raw;
    }

    /** A Location or cookie rewriting default: the annotation's validator; invalid is {@code off}. */
    private static String rewrite(ConfigMapData d, AnnotationKey<String> key) {
        String v = d.string(key.name());
        if (v == null) {
            return "off";
        }
        if (!HeaderAnnotations.validRewrite(key, v)) {
            d.invalid(key.name(), v, HeaderAnnotations.expectedRewrite(key), "off");
            return "off";
        }
        return v;
    }

    /** Path prefixes; absent: {@code /.well-known/acme-challenge}; present but empty: none. */
    private static List<String> locations(ConfigMapData d, String key) {
        return d.has(key) ? d.list(key) : AnnotationDefaults.ACME_CHALLENGE;
    }

    /** The default allowlist; invalid entries are dropped, and a list without a valid one allows nobody. */
    private static AccessList allowlist(ConfigMapData d) {
        String raw = d.string(WHITELIST_SOURCE_RANGE);
        if (raw == null) {
            return null;
        }
        return AccessAnnotations.allowlist(raw, "key " + WHITELIST_SOURCE_RANGE + " (the allowlist of every Ingress"
                + " without its own): " + WarningValue.quote(raw), d::warn);
    }

    /** {@code round_robin} or {@code ewma}: the balancers that need no per-Ingress configuration. */
    private static String loadBalance(ConfigMapData d) {
        String v = d.string(LOAD_BALANCE);
        if (v == null) {
            return AnnotationDefaults.DEFAULT.loadBalance();
        }
        switch (v) {
            case "round_robin", "ewma" -> {
                return v;
            }
            case "chash", "chashsubset", "sticky_balanced", "sticky_persistent" -> d.warn("key " + LOAD_BALANCE
                    + ": " + WarningValue.quote(v) + " needs per-Ingress configuration (affinity or upstream-hash-by)"
                    + " and does nothing as a default; using \"round_robin\"");
            default -> d.invalid(LOAD_BALANCE, v, "round_robin or ewma", "\"round_robin\"");
        }
        return "round_robin";
    }
}
