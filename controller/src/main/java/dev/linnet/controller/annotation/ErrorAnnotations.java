package dev.linnet.controller.annotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code custom-http-errors}, {@code disable-proxy-intercept-errors} and {@code default-backend}
 * (annotations-spec.md §5.1): what a main Ingress says about its error pages. The builder
 * ({@code build/ErrorPagesProcessor}) joins it with the ConfigMap's list and the resolved
 * Services into each route's {@link dev.linnet.gateway.policy.CustomErrors}.
 *
 * <p>ingress-nginx drops an Ingress whose {@code custom-http-errors} or {@code default-backend}
 * fails validation; Linnet keeps serving it without that annotation, with a warning.
 *
 * @param codes the annotation's statuses, or {@code null} when it has none (the ConfigMap's list applies)
 * @param disableIntercept {@code disable-proxy-intercept-errors}: with the annotation's codes,
 *     upstream responses are not intercepted, only the gateway's own answers
 * @param defaultBackend the {@code default-backend} Service name (the Ingress's namespace), or {@code null}
 */
public record ErrorAnnotations(List<Integer> codes, boolean disableIntercept, String defaultBackend) {

    public static final ErrorAnnotations NONE = new ErrorAnnotations(null, false, null);

    /** ingress-nginx's validator, applied after removing spaces. */
    private static final Pattern CODES = Pattern.compile("(?:[4,5]\\d{2},?)*");

    public static final AnnotationKey<List<Integer>> CUSTOM_HTTP_ERRORS = AnnotationKey.prefixed(
            "custom-http-errors", new ValueType<>() {
                @Override
                public List<Integer> parse(String raw) {
                    return codes(raw);
                }

                @Override
                public String expected() {
                    return "a comma-separated list of 4xx and 5xx statuses without spaces, e.g. 404,503";
                }
            }, null, "the ConfigMap's custom-http-errors",
            "statuses answered by the error backend (replaces the ConfigMap's list)");
    public static final AnnotationKey<Boolean> DISABLE_INTERCEPT = AnnotationKey.prefixed(
            "disable-proxy-intercept-errors", ValueType.BOOL, false,
            "with custom-http-errors: only the gateway's own errors go to the error backend, not the upstream's");
    public static final AnnotationKey<String> DEFAULT_BACKEND = AnnotationKey.prefixed(
            "default-backend", new ValueType.CheckedString(Pattern.compile("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?"), false,
                    "a Service name of the Ingress's namespace (DNS-1035 label)"), "", "none",
            "Service (first port) answering listed errors and this Ingress's requests while its Service has no endpoint");

    public static final List<AnnotationKey<?>> KEYS = List.of(CUSTOM_HTTP_ERRORS, DISABLE_INTERCEPT, DEFAULT_BACKEND);

    public ErrorAnnotations {
        codes = codes == null ? null : List.copyOf(codes);
    }

    public static ErrorAnnotations parse(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        List<Integer> codes = dropping(CUSTOM_HTTP_ERRORS, annotations, prefix, warnings);
        boolean disable = DISABLE_INTERCEPT.read(annotations, prefix, warnings);
        if (disable && codes == null) {
            warnings.accept(DISABLE_INTERCEPT.describe(prefix, DISABLE_INTERCEPT.raw(annotations, prefix))
                    + " has no effect without " + CUSTOM_HTTP_ERRORS.fullName(prefix)
                    + " on the same Ingress (as in ingress-nginx)");
        }
        String backend = dropping(DEFAULT_BACKEND, annotations, prefix, warnings);
        if (codes == null && !disable && backend == null) {
            return NONE;
        }
        return new ErrorAnnotations(codes, disable, backend);
    }

    /** A key whose invalid value makes ingress-nginx drop the Ingress: here its default, and a warning saying so. */
    private static <T> T dropping(AnnotationKey<T> key, Map<String, String> annotations, String prefix,
            Consumer<String> warnings) {
        String raw = key.raw(annotations, prefix);
        if (raw == null || raw.isBlank()) {
            return null; // present but empty counts as absent
        }
        T value = key.parse(raw);
        if (value == null) {
            warnings.accept(key.describe(prefix, raw) + " is invalid (expected: " + key.expected()
                    + "); ignored " + Deviation.INGRESS_NGINX_DROPS);
        }
        return value;
    }

    /**
     * ingress-nginx checks the value without spaces against its pattern (else it drops the
     * Ingress), then splits the trimmed value at commas and reads each item with Go's Atoi: an item
     * with a space ({@code 404, 500}), an empty one ({@code 404,}) or {@code 00} fail there, and
     * the annotation is ignored. Both end here as "no codes", with the warning.
     */
    private static List<Integer> codes(String raw) {
        if (!CODES.matcher(raw.replace(" ", "")).matches()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (String item : raw.strip().split(",", -1)) {
            if (!item.matches("[45][0-9][0-9]")) {
                return null;
            }
            int code = Integer.parseInt(item);
            if (!out.contains(code)) {
                out.add(code);
            }
        }
        return out;
    }
}
