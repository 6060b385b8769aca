package dev.linnet.controller.annotation;

import java.util.Map;

/**
 * The two Kubernetes-owned annotations that decide which Ingresses are ours. Their full names
 * are fixed by Kubernetes; {@code --annotations-prefix} does not apply.
 */
public final class IngressClassAnnotations {

    public static final AnnotationKey<String> INGRESS_CLASS = AnnotationKey.absolute(
            "kubernetes.io/ingress.class", ValueType.VERBATIM, "",
            "legacy class of an Ingress without spec.ingressClassName; compared verbatim with --ingress-class");
    public static final AnnotationKey<String> IS_DEFAULT_CLASS = AnnotationKey.absolute(
            "ingressclass.kubernetes.io/is-default-class", ValueType.VERBATIM, "",
            "\"true\" on an IngressClass makes it the class of Ingresses that name none");

    private IngressClassAnnotations() {
    }

    /** The legacy class annotation of an Ingress, or {@code ""} when absent. */
    public static String legacyClass(Map<String, String> annotations) {
        String v = INGRESS_CLASS.raw(annotations, "");
        return v == null ? "" : v;
    }

    /** Whether an IngressClass is marked as the cluster default (exactly {@code "true"}, as Kubernetes checks). */
    public static boolean isDefaultClass(Map<String, String> annotations) {
        return "true".equals(IS_DEFAULT_CLASS.raw(annotations, ""));
    }
}
