package dev.linnet.controller.build;

import dev.linnet.controller.annotation.IngressClassAnnotations;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which Ingresses are ours (DESIGN.md, "Names and ports"; issue 2 item 3). Without
 * {@code --ingress-class} every Ingress is. Otherwise:
 *
 * <pre>
 *   spec.ingressClassName set ─▶ names an IngressClass with spec.controller == --controller-class,
 *                                or equals --ingress-class itself
 *   else legacy annotation    ─▶ kubernetes.io/ingress.class == --ingress-class
 *   else (class-less)         ─▶ an IngressClass of ours is the default class,
 *                                or --watch-ingress-without-class
 * </pre>
 *
 * Ingresses of other classes are skipped silently: they belong to another controller.
 * Public so that the cluster source (which events matter) and the status writer (which
 * Ingresses get our address) apply the very same rules as the builder.
 */
public final class IngressClassFilter {

    private final BuildOptions options;
    private final Map<String, IngressClass> classes = new HashMap<>();
    private final boolean defaultClassIsOurs;

    public IngressClassFilter(BuildOptions options, List<IngressClass> ingressClasses) {
        this.options = options;
        boolean anyDefault = false;
        for (IngressClass c : ingressClasses) {
            if (c.getMetadata() == null || c.getMetadata().getName() == null) {
                continue;
            }
            classes.putIfAbsent(c.getMetadata().getName(), c);
            if (isOurs(c) && IngressClassAnnotations.isDefaultClass(c.getMetadata().getAnnotations())) {
                anyDefault = true;
            }
        }
        this.defaultClassIsOurs = anyDefault;
    }

    public boolean isOurs(Ingress ingress) {
        String wanted = options.ingressClass();
        if (wanted == null) {
            return true;
        }
        String className = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
        if (className != null && !className.isEmpty()) {
            IngressClass c = classes.get(className);
            return className.equals(wanted) || c != null && isOurs(c);
        }
        String legacy = ingress.getMetadata() == null ? ""
                : IngressClassAnnotations.legacyClass(ingress.getMetadata().getAnnotations());
        if (!legacy.isEmpty()) {
            return legacy.equals(wanted);
        }
        return defaultClassIsOurs || options.watchIngressWithoutClass();
    }

    private boolean isOurs(IngressClass c) {
        return c.getSpec() != null && options.controllerClass().equals(c.getSpec().getController());
    }
}
