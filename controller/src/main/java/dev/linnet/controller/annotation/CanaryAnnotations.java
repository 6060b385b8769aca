package dev.linnet.controller.annotation;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.HeaderPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The canary annotations of one Ingress, parsed, validated and defaulted exactly as
 * ingress-nginx's {@code annotations/canary/main.go} does (canary-spec.md §1), plus the checks
 * for Linnet's deliberate differences (DESIGN.md, behaviour contract 2 and 4).
 *
 * <p>Values are already effective: empty strings are {@code null}; a header value or pattern
 * without a header is {@code null}; a pattern next to a header value is {@code null}.
 *
 * @param enabled whether this Ingress is a canary; {@code false} also when the canary
 *     annotations are "configured but not enabled" (the Ingress is then an ordinary one)
 * @param legacyAffinity {@code affinity-canary-behavior: legacy}: the canary does not share the
 *     main Ingress's session affinity (affinity-spec.md §5; read from the canary, as ingress-nginx does)
 */
public record CanaryAnnotations(
        boolean enabled,
        int weight,
        int weightTotal,
        String header,
        String headerValue,
        HeaderPattern headerPattern,
        String cookie,
        boolean legacyAffinity) {

    public static final AnnotationKey<Boolean> CANARY = AnnotationKey.prefixed(
            "canary", ValueType.BOOL, false,
            "marks the Ingress as the canary of the main Ingress with the same host, path and pathType");
    public static final AnnotationKey<Long> WEIGHT = AnnotationKey.prefixed(
            "canary-weight", ValueType.INT, 0L,
            "requests in weight-total sent to the canary; <= 0 never, >= weight-total always");
    public static final AnnotationKey<Long> WEIGHT_TOTAL = AnnotationKey.prefixed(
            "canary-weight-total", ValueType.INT, 100L,
            "the total canary-weight is a share of");
    public static final AnnotationKey<String> BY_HEADER = AnnotationKey.prefixed(
            "canary-by-header", ValueType.BASIC_CHARS, "",
            "request header whose value always/never forces the canary (case-insensitive, - and _ alike)");
    public static final AnnotationKey<String> BY_HEADER_VALUE = AnnotationKey.prefixed(
            "canary-by-header-value", ValueType.BASIC_CHARS, "",
            "exact header value that selects the canary instead of always/never");
    public static final AnnotationKey<String> BY_HEADER_PATTERN = AnnotationKey.prefixed(
            "canary-by-header-pattern", ValueType.REGEX_CHARS, "",
            "regular expression searched in the header value; ignored when canary-by-header-value is set");
    public static final AnnotationKey<String> BY_COOKIE = AnnotationKey.prefixed(
            "canary-by-cookie", ValueType.BASIC_CHARS, "",
            "cookie whose value always/never forces the canary");
    public static final AnnotationKey<String> AFFINITY_BEHAVIOR = AnnotationKey.prefixed(
            "affinity-canary-behavior", ValueType.oneOf("sticky", "legacy"), "sticky",
            "on the canary: sticky shares the main Ingress's session affinity (a pinned client stays on"
                    + " its side); legacy does not (the canary neither pins nor sets the cookie)");

    /** Every canary key, in the order ingress-nginx's parser reads them. */
    public static final List<AnnotationKey<?>> KEYS =
            List.of(CANARY, WEIGHT, WEIGHT_TOTAL, BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN, BY_COOKIE,
                    AFFINITY_BEHAVIOR);

    /** An ordinary Ingress. */
    public static final CanaryAnnotations NONE = new CanaryAnnotations(false, 0, 100, null, null, null, null);

    public CanaryAnnotations {
        if (weightTotal < 1) {
            throw new IllegalArgumentException("weightTotal: " + weightTotal + " (expected: > 0)");
        }
    }

    /** A canary with the default {@code affinity-canary-behavior: sticky}. */
    public CanaryAnnotations(boolean enabled, int weight, int weightTotal, String header, String headerValue,
            HeaderPattern headerPattern, String cookie) {
        this(enabled, weight, weightTotal, header, headerValue, headerPattern, cookie, false);
    }

    /**
     * Parses the canary annotations of one object. Every problem is reported through
     * {@code warnings} as one line that names the full key, the value and what happens instead.
     *
     * @param annotations the object's annotations (may be null)
     * @param prefix {@code --annotations-prefix}
     */
    public static CanaryAnnotations parse(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        requireNonNull(prefix, "prefix");
        requireNonNull(warnings, "warnings");
        boolean enabled = CANARY.read(annotations, prefix, warnings);
        long weight = WEIGHT.read(annotations, prefix, warnings);
        long total = WEIGHT_TOTAL.read(annotations, prefix, warnings);
        String header = BY_HEADER.read(annotations, prefix, warnings);
        String value = BY_HEADER_VALUE.read(annotations, prefix, warnings);
        String pattern = BY_HEADER_PATTERN.read(annotations, prefix, warnings);
        String cookie = BY_COOKIE.read(annotations, prefix, warnings);
        boolean legacy = "legacy".equals(AFFINITY_BEHAVIOR.read(annotations, prefix, warnings));

        if (!enabled) {
            List<String> configured = new ArrayList<>();
            if (weight > 0) {
                configured.add(WEIGHT.fullName(prefix));
            }
            addIfSet(configured, header, BY_HEADER, prefix);
            addIfSet(configured, value, BY_HEADER_VALUE, prefix);
            addIfSet(configured, pattern, BY_HEADER_PATTERN, prefix);
            addIfSet(configured, cookie, BY_COOKIE, prefix);
            if (!configured.isEmpty()) {
                // ingress-nginx: InvalidConfiguration "configured but not enabled"; the canary
                // group is dropped and the Ingress competes as an ordinary one (canary-spec.md §1).
                String raw = CANARY.raw(annotations, prefix);
                String canaryIs = raw == null ? "annotation " + CANARY.fullName(prefix) + " is absent"
                        : CANARY.describe(prefix, raw) + " is not true";
                warnings.accept(canaryIs + " but " + String.join(", ", configured)
                        + (configured.size() == 1 ? " is" : " are")
                        + " set; the canary annotations are ignored and this Ingress is served as an ordinary"
                        + " Ingress, as ingress-nginx does");
            }
            return NONE;
        }

        int effectiveTotal = effectiveTotal(annotations, prefix, total, weight, warnings);
        int effectiveWeight = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, weight));

        if (header.isEmpty()) {
            // "has no effect without canary-by-header" (canary-spec.md §3): say so rather than
            // let the user wonder why the value never matches.
            for (var key : List.of(BY_HEADER_VALUE, BY_HEADER_PATTERN)) {
                String v = key == BY_HEADER_VALUE ? value : pattern;
                if (!v.isEmpty()) {
                    warnings.accept(key.describe(prefix, v) + " has no effect without "
                            + BY_HEADER.fullName(prefix) + "; ignored");
                }
            }
            value = "";
            pattern = "";
        } else if (!value.isEmpty() && !pattern.isEmpty()) {
            // e2e E10: the value takes precedence and the pattern is ignored.
            warnings.accept(BY_HEADER_PATTERN.describe(prefix, pattern) + " is ignored because "
                    + BY_HEADER_VALUE.fullName(prefix) + " is set");
            pattern = "";
        }

        HeaderPattern compiled = null;
        if (!pattern.isEmpty()) {
            compiled = HeaderPattern.of(pattern);
            if (!compiled.isValid()) {
                // ingress-nginx does not compile at admission either; at request time PCRE
                // reports an error and the request goes to the main backend (e2e E11).
                warnings.accept(BY_HEADER_PATTERN.describe(prefix, pattern) + " does not compile ("
                        + compileError(pattern) + "); requests carrying header " + header
                        + " will go to stable, as ingress-nginx does on a regex error");
            }
        }
        return new CanaryAnnotations(true, effectiveWeight, effectiveTotal,
                nullIfEmpty(header), nullIfEmpty(value), compiled, nullIfEmpty(cookie), legacy);
    }

    /**
     * DESIGN.md deliberate difference 2: the total is used as given. ingress-nginx's Lua replaces
     * any total of 100 or less by 100, so a total below 100 behaves differently there: say so.
     */
    private static int effectiveTotal(Map<String, String> annotations, String prefix, long total, long weight,
            Consumer<String> warnings) {
        String raw = WEIGHT_TOTAL.raw(annotations, prefix);
        if (total <= 0 || total > Integer.MAX_VALUE) {
            warnings.accept(WEIGHT_TOTAL.describe(prefix, raw) + " is invalid (expected: an integer between 1 and "
                    + Integer.MAX_VALUE + "); using 100");
            return 100;
        }
        if (total < 100) {
            warnings.accept(WEIGHT_TOTAL.describe(prefix, raw) + " is below 100: weight " + weight + " of total "
                    + total + " is " + weight + "/" + total + " here; ingress-nginx used " + weight + "/100");
        }
        return (int) total;
    }

    /** The canary of one route, backed by {@code backend}. */
    public CanaryRule toRule(String namespace, String ingress, Backend backend) {
        if (!enabled) {
            throw new IllegalStateException("not a canary Ingress");
        }
        return new CanaryRule(namespace, ingress, backend, header, headerValue, headerPattern, cookie, weight,
                weightTotal, legacyAffinity);
    }

    private static void addIfSet(List<String> configured, String v, AnnotationKey<String> key, String prefix) {
        if (!v.isEmpty()) {
            configured.add(key.fullName(prefix));
        }
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String compileError(String pattern) {
        try {
            Pattern.compile(pattern);
            return "unknown error";
        } catch (PatternSyntaxException e) {
            return e.getDescription() + " near index " + e.getIndex();
        }
    }
}
