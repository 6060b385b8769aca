package dev.linnet.controller.annotation;

import dev.linnet.gateway.split.StickyCanary;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Several canaries on one rule, on the main Ingress under Linnet's own prefix (DESIGN.md
 * "Canary assignment beyond ingress-nginx"; issue 17 §3; {@link dev.linnet.gateway.split.MultiCanary}).
 * In this mode one draw serves every canary, so the sticky assignment is the main Ingress's.
 */
public final class MultiCanaryAnnotations {

    public static final AnnotationKey<Boolean> KEY = AnnotationKey.absolute(
            "linnet.dev/multi-canary", ValueType.BOOL, false,
            "on the main Ingress: every canary Ingress of a rule takes part (oldest first), not only the oldest");

    private MultiCanaryAnnotations() {
    }

    /** The main Ingress's mode: {@code null} without the annotation (only the oldest canary counts). */
    public static Mode parse(Map<String, String> annotations, String namespace, String name, Consumer<String> warnings) {
        if (!KEY.read(annotations, "", warnings)) {
            return null;
        }
        return new Mode(StickyCanaryAnnotations.parse(annotations, namespace, name, warnings));
    }

    /** A warning for the annotation on a canary Ingress, where it means nothing; {@code null} when absent. */
    public static String onCanary(Map<String, String> annotations) {
        String raw = KEY.raw(annotations, "");
        return raw == null ? null : KEY.describe("", raw) + " has effect only on the main Ingress; ignored";
    }

    /**
     * @param sticky the main Ingress's {@code linnet.dev/canary-sticky-*} assignment (default seed
     *     {@code <namespace>/<main Ingress name>}), or {@code null} for a uniform draw
     */
    public record Mode(StickyCanary sticky) {
    }
}
