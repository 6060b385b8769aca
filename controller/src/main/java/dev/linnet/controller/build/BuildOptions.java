package dev.linnet.controller.build;

import static java.util.Objects.requireNonNull;

/**
 * How the builder reads objects.
 *
 * @param annotationsPrefix {@code --annotations-prefix}, default {@code nginx.ingress.kubernetes.io}
 * @param ingressClass {@code --ingress-class}; {@code null} serves every Ingress (standalone
 *     mode without the flag)
 * @param controllerClass {@code --controller-class}: IngressClass objects with this
 *     {@code spec.controller} are ours
 * @param watchIngressWithoutClass {@code --watch-ingress-without-class}
 */
public record BuildOptions(
        String annotationsPrefix,
        String ingressClass,
        String controllerClass,
        boolean watchIngressWithoutClass) {

    public static final String DEFAULT_ANNOTATIONS_PREFIX = "nginx.ingress.kubernetes.io";
    public static final String DEFAULT_INGRESS_CLASS = "linnet";
    public static final String DEFAULT_CONTROLLER_CLASS = "linnet.dev/ingress-controller";

    public BuildOptions {
        requireNonNull(annotationsPrefix, "annotationsPrefix");
        requireNonNull(controllerClass, "controllerClass");
    }

    /** Standalone defaults: every Ingress is served, ingress-nginx's annotation prefix. */
    public static BuildOptions serveAll() {
        return new BuildOptions(DEFAULT_ANNOTATIONS_PREFIX, null, DEFAULT_CONTROLLER_CLASS, true);
    }
}
