package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.Affinity;
import dev.linnet.gateway.policy.SameSite;
import dev.linnet.gateway.policy.StickyCookie;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * ingress-nginx's session affinity annotations ({@code affinity}, {@code affinity-mode},
 * {@code session-cookie-*}; affinity-spec.md §1): the {@link Affinity} policy of the Ingress's
 * paths. As in ingress-nginx an invalid value never fails the Ingress: it falls back to its
 * default with a warning. Two values are read more strictly, as deliberate differences: cookie
 * lifetimes are integers only (ingress-nginx's half-anchored regex let {@code 1.5}, {@code 0x10}
 * and {@code abc12} through, the last failing requests), and {@code SameSite} is written in its
 * canonical case whatever case the value used.
 *
 * <p>{@code affinity-canary-behavior} is a canary key ({@link CanaryAnnotations}).
 */
public final class AffinityAnnotations {

    public static final AnnotationKey<String> AFFINITY = AnnotationKey.prefixed(
            "affinity", ValueType.oneOf("cookie"), "", "no affinity",
            "cookie: pin each client to one pod (and one side of a canary) with a cookie");
    public static final AnnotationKey<String> MODE = AnnotationKey.prefixed(
            "affinity-mode", ValueType.oneOf("balanced", "persistent"), "", "balanced",
            "balanced: a pod that goes away hands its clients to the others (and gets them back when it"
                    + " returns); persistent: a client stays on its pod while the pod exists");
    public static final AnnotationKey<String> NAME = AnnotationKey.prefixed(
            "session-cookie-name", ValueType.BASIC_CHARS, "", StickyCookie.DEFAULT_NAME,
            "the affinity cookie's name (case-sensitive)");
    public static final AnnotationKey<String> PATH = AnnotationKey.prefixed(
            "session-cookie-path", new ValueType.CheckedString(Pattern.compile("[\\-._~a-zA-Z0-9/:,?&=]*"), true,
                    "a path of letters, digits and - . _ ~ / : , ? & = only (no regex)"), "", "the Ingress path",
            "the cookie's Path; by default the Ingress path (a regex path: its literal prefix)");
    public static final AnnotationKey<String> DOMAIN = AnnotationKey.prefixed(
            "session-cookie-domain", ValueType.BASIC_CHARS, "", "none",
            "the cookie's Domain");
    public static final AnnotationKey<Long> EXPIRES = AnnotationKey.prefixed(
            "session-cookie-expires", ValueType.INT, null, "none (a session cookie)",
            "seconds from now for the cookie's Expires");
    public static final AnnotationKey<Long> MAX_AGE = AnnotationKey.prefixed(
            "session-cookie-max-age", ValueType.INT, null, "none (a session cookie)",
            "seconds for the cookie's Max-Age");
    public static final AnnotationKey<SameSite> SAMESITE = AnnotationKey.prefixed(
            "session-cookie-samesite", new ValueType<>() {
                @Override
                public SameSite parse(String raw) {
                    return SameSite.parse(raw.strip());
                }

                @Override
                public String expected() {
                    return "None, Lax or Strict, in any case";
                }
            }, null, "none",
            "the cookie's SameSite, written as None, Lax or Strict whatever the case of the value");
    public static final AnnotationKey<Boolean> CONDITIONAL_SAMESITE_NONE = AnnotationKey.prefixed(
            "session-cookie-conditional-samesite-none", ValueType.BOOL, false,
            "leave SameSite=None out for browsers known to mishandle it");
    public static final AnnotationKey<Boolean> SECURE = AnnotationKey.prefixed(
            "session-cookie-secure", ValueType.BOOL, false,
            "always mark the cookie Secure (HTTPS requests get Secure anyway)");
    public static final AnnotationKey<Boolean> CHANGE_ON_FAILURE = AnnotationKey.prefixed(
            "session-cookie-change-on-failure", ValueType.BOOL, false,
            "a retry within one request leaves the pinned pod for another, with a new cookie");
    public static final AnnotationKey<String> HASH = AnnotationKey.prefixed(
            "session-cookie-hash", ValueType.VERBATIM, "", "ignored",
            "obsolete: removed from ingress-nginx in 2019; ignored with a warning");

    public static final List<AnnotationKey<?>> KEYS = List.of(AFFINITY, MODE, NAME, PATH, DOMAIN, EXPIRES, MAX_AGE,
            SAMESITE, CONDITIONAL_SAMESITE_NONE, SECURE, CHANGE_ON_FAILURE, HASH);

    /** Not valid in a cookie name (RFC 6265 token), though ingress-nginx's validator lets them through. */
    private static final Pattern NOT_IN_COOKIE_NAME = Pattern.compile("[\\s/:]");

    private AffinityAnnotations() {
    }

    /** The policy, or {@code null} when the Ingress has no (valid) {@code affinity}. */
    public static Affinity parse(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        if (HASH.raw(annotations, prefix) != null) {
            warnings.accept(HASH.describe(prefix, HASH.raw(annotations, prefix))
                    + " is obsolete (removed from ingress-nginx in 2019); ignored");
        }
        if (!"cookie".equals(AFFINITY.read(annotations, prefix, warnings))) {
            // The other keys are read only with affinity: cookie, as there; say so rather than let
            // a user wonder (ingress-nginx's affinity-mode could still reach another Ingress's
            // routes through the shared Service; here affinity belongs to the route).
            List<String> unused = new java.util.ArrayList<>();
            for (AnnotationKey<?> key : KEYS) {
                if (key != AFFINITY && key != HASH && key.raw(annotations, prefix) != null) {
                    unused.add(key.fullName(prefix));
                }
            }
            if (!unused.isEmpty()) {
                warnings.accept("annotation " + String.join(", ", unused) + " has no effect without "
                        + AFFINITY.fullName(prefix) + ": \"cookie\"; ignored");
            }
            return null;
        }
        boolean persistent = "persistent".equals(MODE.read(annotations, prefix, warnings));
        String name = NAME.read(annotations, prefix, warnings);
        if (NOT_IN_COOKIE_NAME.matcher(name).find()) {
            warnings.accept(NAME.describe(prefix, name) + " is invalid (expected: a cookie name without spaces, / or :);"
                    + " using " + StickyCookie.DEFAULT_NAME);
            name = "";
        }
        String path = PATH.read(annotations, prefix, warnings);
        String domain = DOMAIN.read(annotations, prefix, warnings);
        SameSite sameSite = SAMESITE.read(annotations, prefix, warnings);
        StickyCookie cookie = new StickyCookie(name.isEmpty() ? StickyCookie.DEFAULT_NAME : name,
                path.isEmpty() ? null : path, domain.isEmpty() ? null : domain,
                EXPIRES.read(annotations, prefix, warnings), MAX_AGE.read(annotations, prefix, warnings),
                SECURE.read(annotations, prefix, warnings), sameSite,
                CONDITIONAL_SAMESITE_NONE.read(annotations, prefix, warnings));
        return new Affinity(persistent, CHANGE_ON_FAILURE.read(annotations, prefix, warnings), cookie);
    }
}
