package dev.linnet.controller.annotation;

import dev.linnet.gateway.split.StickyCanary;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Linnet's sticky, monotone weighted canary, on the canary Ingress (with {@link MultiCanaryAnnotations},
 * on the main Ingress) under Linnet's own prefix
 * (DESIGN.md "Canary assignment beyond ingress-nginx"; {@link StickyCanary}). An invalid key
 * leaves the canary on ingress-nginx's random draw, with a warning.
 */
public final class StickyCanaryAnnotations {

    public static final AnnotationKey<String> KEY = AnnotationKey.absolute(
            "linnet.dev/canary-sticky-key", ValueType.VERBATIM, "",
            "cookie | header:<Name> | cookie:<name>: the user key whose hash decides the weighted split");
    public static final AnnotationKey<String> SEED = AnnotationKey.absolute(
            "linnet.dev/canary-sticky-seed", ValueType.VERBATIM, "",
            "mixed into the hash; default <namespace>/<canary Ingress name> (with linnet.dev/multi-canary: the main Ingress's);"
                    + " share it to put the same users on several canaries");
    public static final AnnotationKey<String> COOKIE = AnnotationKey.absolute(
            "linnet.dev/canary-sticky-cookie", ValueType.BASIC_CHARS, "",
            "the assignment cookie's name; default " + StickyCanary.DEFAULT_COOKIE);

    public static final List<AnnotationKey<?>> KEYS = List.of(KEY, SEED, COOKIE);

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+"); // RFC 9110 token

    private StickyCanaryAnnotations() {
    }

    /** The assignment of the canary Ingress {@code namespace/name}, or {@code null} for the random draw. */
    public static StickyCanary parse(Map<String, String> annotations, String namespace, String name,
            Consumer<String> warnings) {
        String raw = KEY.raw(annotations, "");
        if (raw == null || raw.isBlank()) {
            for (AnnotationKey<String> k : List.of(SEED, COOKIE)) {
                if (k.raw(annotations, "") != null) {
                    warnings.accept(k.describe("", k.raw(annotations, "")) + " has no effect without "
                            + KEY.fullName("") + "; ignored");
                }
            }
            return null;
        }
        String spec = raw.strip();
        String header = null;
        String cookie = null;
        if (spec.startsWith("header:") && TOKEN.matcher(spec.substring(7)).matches()) {
            header = spec.substring(7);
        } else if (spec.startsWith("cookie:") && TOKEN.matcher(spec.substring(7)).matches()) {
            cookie = spec.substring(7);
        } else if (!spec.equals("cookie")) {
            warnings.accept(KEY.describe("", raw) + " is invalid (expected: cookie, header:<Name> or cookie:<name>);"
                    + " the weight is drawn at random per request, as in ingress-nginx");
            return null;
        }
        String seed = SEED.read(annotations, "", warnings);
        String assignment = COOKIE.read(annotations, "", warnings);
        if (!assignment.isEmpty() && !TOKEN.matcher(assignment).matches()) {
            warnings.accept(COOKIE.describe("", assignment) + " is invalid (expected: a cookie name); using "
                    + StickyCanary.DEFAULT_COOKIE);
            assignment = "";
        }
        return new StickyCanary(header, cookie, seed.isEmpty() ? namespace + '/' + name : seed,
                assignment.isEmpty() ? StickyCanary.DEFAULT_COOKIE : assignment);
    }
}
