package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.EndpointPolicy;
import dev.linnet.gateway.policy.Ewma;
import dev.linnet.gateway.policy.HashBy;
import dev.linnet.gateway.policy.HashKey;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code upstream-hash-by}, {@code upstream-hash-by-subset}, {@code upstream-hash-by-subset-size}
 * and {@code load-balance} (affinity-spec.md §3): which balancer picks a route's pods.
 *
 * <pre>
 *   affinity: cookie        ─▶ sticky (these keys are ignored, with a warning)
 *   upstream-hash-by set    ─▶ HashBy (subset when upstream-hash-by-subset)
 *   load-balance: ewma      ─▶ Ewma (two random pods, the lower response-time average wins)
 *   load-balance            ─▶ round_robin
 * </pre>
 *
 * ingress-nginx does not load an Ingress whose {@code upstream-hash-by} or {@code load-balance}
 * fails validation; Linnet keeps serving it with the round robin and a warning (bad
 * configuration never takes traffic down).
 */
public final class BalanceAnnotations {

    public static final AnnotationKey<String> HASH_BY = AnnotationKey.prefixed(
            "upstream-hash-by", new ValueType.CheckedString(Pattern.compile("[A-Za-z0-9\\-_${}]*"), true,
                    "nginx variables and text of letters, digits and - _ $ { } only, e.g. $request_uri"),
            "", "the round robin",
            "pick the pod by a consistent hash of this key (" + HashKey.KNOWN + ")");
    public static final AnnotationKey<Boolean> SUBSET = AnnotationKey.prefixed(
            "upstream-hash-by-subset", ValueType.BOOL, false,
            "hash the key to a subset of pods, then pick a random pod of it");
    public static final AnnotationKey<Integer> SUBSET_SIZE = AnnotationKey.prefixed(
            "upstream-hash-by-subset-size", ValueType.COUNT, 3,
            "pods per subset (0 means 3, as in ingress-nginx)");
    public static final AnnotationKey<String> LOAD_BALANCE = AnnotationKey.prefixed(
            "load-balance", ValueType.oneOf("round_robin", "ewma", "chash", "chashsubset", "sticky_balanced",
                    "sticky_persistent"), "", "round_robin",
            "round_robin, or ewma: the faster of two random pods by their response-time average");

    public static final List<AnnotationKey<?>> KEYS = List.of(HASH_BY, SUBSET, SUBSET_SIZE, LOAD_BALANCE);

    private BalanceAnnotations() {
    }

    /** The hash or ewma policy, or {@code null} for the round robin (or when affinity decides). */
    public static EndpointPolicy parse(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        return parse(annotations, prefix, warnings, "round_robin");
    }

    /**
     * As {@link #parse(Map, String, Consumer)}; an Ingress without {@code load-balance} gets
     * {@code fallback}, the ConfigMap's {@code load-balance} ({@code round_robin} or {@code ewma}).
     */
    public static EndpointPolicy parse(Map<String, String> annotations, String prefix, Consumer<String> warnings,
            String fallback) {
        String hashBy = HASH_BY.read(annotations, prefix, warnings);
        boolean subset = SUBSET.read(annotations, prefix, warnings);
        int size = SUBSET_SIZE.read(annotations, prefix, warnings);
        String balance = LOAD_BALANCE.read(annotations, prefix, warnings,
                fallback.equals("round_robin") ? LOAD_BALANCE.defaultValue() : fallback);
        String affinity = AffinityAnnotations.AFFINITY.raw(annotations, prefix);
        if (affinity != null && affinity.strip().equals("cookie")) {
            for (AnnotationKey<?> key : List.of(HASH_BY, LOAD_BALANCE)) {
                String raw = key.raw(annotations, prefix);
                if (raw != null && !raw.isBlank()) {
                    warnings.accept(key.describe(prefix, raw) + " is ignored: " + AffinityAnnotations.AFFINITY.fullName(prefix)
                            + " takes precedence, as in ingress-nginx");
                }
            }
            return null;
        }
        if (!hashBy.isEmpty()) {
            if (!balance.isEmpty() && !balance.equals("round_robin") && LOAD_BALANCE.raw(annotations, prefix) != null) {
                warnings.accept(LOAD_BALANCE.describe(prefix, balance) + " is ignored: " + HASH_BY.fullName(prefix)
                        + " takes precedence, as in ingress-nginx");
            }
            HashKey key = HashKey.parse(hashBy);
            if (!key.unknownVariables().isEmpty()) {
                warnings.accept(HASH_BY.describe(prefix, hashBy) + ": variable(s) " + key.unknownVariables()
                        + " are not known to Linnet and hash as empty (known: " + HashKey.KNOWN + ")");
            }
            return new HashBy(key, subset ? (size == 0 ? 3 : size) : 0);
        }
        if (subset || SUBSET_SIZE.raw(annotations, prefix) != null) {
            warnings.accept("annotation " + SUBSET.fullName(prefix) + " / " + SUBSET_SIZE.fullName(prefix)
                    + " has no effect without " + HASH_BY.fullName(prefix) + "; ignored");
        }
        switch (balance) {
            case "", "round_robin" -> { }
            case "ewma" -> {
                return Ewma.of();
            }
            default -> warnings.accept(LOAD_BALANCE.describe(prefix, balance) + " needs its own configuration"
                    + " (affinity or upstream-hash-by) and does nothing alone; the round robin serves");
        }
        return null;
    }
}
