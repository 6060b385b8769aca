package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.Redirect;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * ingress-nginx's redirect group (annotations-spec.md §2.1): {@code temporal-redirect} (wins),
 * else {@code permanent-redirect}, their codes, {@code relative-redirects} and
 * {@code from-to-www-redirect}. The {@link Redirect} policy goes on the routes; the www twin host is
 * made by the builder ({@code build/ServerProcessor}) from {@link Group#fromToWww()}.
 *
 * <p>Values ingress-nginx would not serve the Ingress for (its DROP) keep the Ingress here with the
 * key's default and a warning that says so; a temporal URL whose scheme is not http(s) makes
 * ingress-nginx skip the whole group, from-to-www included, and so does Linnet.
 */
public final class RedirectUrlAnnotations {

    /** ingress-nginx's {@code URLIsValidRegex}: no {@code % # + @ ; $}, no spaces. */
    private static final ValueType<String> URL = new ValueType.CheckedString(
            Pattern.compile("[\\-._~a-zA-Z0-9/:,?&=]*"), false,
            "a URL of letters, digits and - . _ ~ / : , ? & = only (no % # + @ ; $ or spaces)");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*:.*", Pattern.DOTALL);

    public static final AnnotationKey<String> PERMANENT = AnnotationKey.prefixed("permanent-redirect", URL, "",
            "none", "answer every request of the Ingress with a redirect to this URL (the path is not appended)");
    public static final AnnotationKey<Long> PERMANENT_CODE = AnnotationKey.prefixed("permanent-redirect-code",
            ValueType.INT, 301L, "the status of permanent-redirect (300-308)");
    public static final AnnotationKey<String> TEMPORAL = AnnotationKey.prefixed("temporal-redirect", URL, "", "none",
            "as permanent-redirect with an http(s) URL and a 302; wins over permanent-redirect");
    public static final AnnotationKey<Long> TEMPORAL_CODE = AnnotationKey.prefixed("temporal-redirect-code",
            ValueType.INT, 302L, "the status of temporal-redirect (300-307)");
    public static final AnnotationKey<Boolean> RELATIVE = AnnotationKey.prefixed("relative-redirects", ValueType.BOOL,
            false, "keep a redirect URL that starts with / relative (else http(s)://<host> is put in front)");
    public static final AnnotationKey<Boolean> FROM_TO_WWW = AnnotationKey.prefixed("from-to-www-redirect",
            ValueType.BOOL, false, "redirect www.<host> to <host> (or <host> to www.<host>) when that host is not defined");

    public static final List<AnnotationKey<?>> KEYS = List.of(PERMANENT, PERMANENT_CODE, TEMPORAL, TEMPORAL_CODE,
            RELATIVE, FROM_TO_WWW);

    /**
     * What the group gives one Ingress.
     *
     * @param redirect the routes' redirect, or {@code null}
     * @param fromToWww whether its hosts get a www twin
     */
    public record Group(Redirect redirect, boolean fromToWww) {
        static final Group NONE = new Group(null, false);
    }

    private RedirectUrlAnnotations() {
    }

    /**
     * @param relativeDefault the ConfigMap's {@code relative-redirects} (the annotation can only add it)
     */
    public static Group parse(Map<String, String> annotations, String prefix, boolean relativeDefault,
            Consumer<String> warnings) {
        boolean www = readOrDrop(FROM_TO_WWW, annotations, prefix, warnings);
        boolean relative = readOrDrop(RELATIVE, annotations, prefix, warnings) || relativeDefault;
        String temporal = readOrDrop(TEMPORAL, annotations, prefix, warnings);
        int temporalCode = code(TEMPORAL_CODE, annotations, prefix, 307, warnings);
        if (!temporal.isEmpty()) {
            if (!httpScheme(temporal)) {
                warnings.accept(TEMPORAL.describe(prefix, temporal) + " is not an http or https URL; the redirect"
                        + " annotations of this Ingress are ignored (from-to-www-redirect included), as in ingress-nginx");
                return Group.NONE;
            }
            return new Group(new Redirect(temporalCode, temporal, relative), www);
        }
        String permanent = readOrDrop(PERMANENT, annotations, prefix, warnings);
        int permanentCode = code(PERMANENT_CODE, annotations, prefix, 308, warnings);
        return new Group(permanent.isEmpty() ? null : new Redirect(permanentCode, permanent, relative), www);
    }

    /** Go's {@code url.Parse} scheme (lower-cased), which ingress-nginx wants to start with {@code http}. */
    static boolean httpScheme(String url) {
        return SCHEME.matcher(url).matches() && url.toLowerCase(Locale.ROOT).startsWith("http");
    }

    /** A code: not an integer is ingress-nginx's DROP (default here, warned); outside 300-{@code max}: the default. */
    private static int code(AnnotationKey<Long> key, Map<String, String> annotations, String prefix, int max,
            Consumer<String> warnings) {
        long code = readOrDrop(key, annotations, prefix, warnings);
        if (code < 300 || code > max) {
            warnings.accept(key.describe(prefix, key.raw(annotations, prefix)) + " is outside 300-" + max + "; using "
                    + key.defaultText() + ", as ingress-nginx does");
            return key.defaultValue().intValue();
        }
        return (int) code;
    }

    /**
     * A key whose invalid value makes ingress-nginx ignore the whole Ingress (its DROP; the
     * admission webhook refuses it): Linnet keeps the Ingress with the key's default and says so.
     */
    static <T> T readOrDrop(AnnotationKey<T> key, Map<String, String> annotations, String prefix,
            Consumer<String> warnings) {
        String raw = key.raw(annotations, prefix);
        if (raw == null) {
            return key.defaultValue();
        }
        T value = key.parse(raw);
        if (value == null) {
            warnings.accept(key.describe(prefix, raw) + " is invalid (expected: " + key.expected() + "); using "
                    + key.defaultText() + " " + Deviation.INGRESS_NGINX_DROPS);
            return key.defaultValue();
        }
        return value;
    }
}
