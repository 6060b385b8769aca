package dev.linnet.controller.build;

import dev.linnet.controller.annotation.CanaryAnnotations;
import dev.linnet.controller.annotation.IngressPolicies;
import dev.linnet.controller.annotation.ProxyAnnotations;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.time.Instant;

/**
 * One Ingress of ours with what every processor needs: its coordinates (namespace defaulted to
 * {@code default}), creation time (for ordering) and parsed canary, proxy and policy annotations
 * (the latter two empty on a canary Ingress, whose own values never apply).
 *
 * @param created {@code metadata.creationTimestamp}, or {@code null} when absent or unparsable
 */
record IngressEntry(Ingress ingress, String namespace, String name, Instant created, CanaryAnnotations canary,
        ProxyAnnotations proxy, IngressPolicies policies) {

    IngressEntry(Ingress ingress, String namespace, String name, Instant created, CanaryAnnotations canary) {
        this(ingress, namespace, name, created, canary, ProxyAnnotations.NONE, IngressPolicies.NONE);
    }

    IngressEntry withAnnotations(CanaryAnnotations parsedCanary, ProxyAnnotations parsedProxy,
            IngressPolicies parsedPolicies) {
        return new IngressEntry(ingress, namespace, name, created, parsedCanary, parsedProxy, parsedPolicies);
    }

    String key() {
        return namespace + '/' + name;
    }

    /** The spec, never null (an Ingress without one has nothing to route). */
    IngressSpec spec() {
        IngressSpec spec = ingress.getSpec();
        return spec == null ? new IngressSpec() : spec;
    }

    boolean isCanary() {
        return canary.enabled();
    }
}
