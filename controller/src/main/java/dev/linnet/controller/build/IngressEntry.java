package dev.linnet.controller.build;

import dev.linnet.controller.annotation.CanaryAnnotations;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.time.Instant;

/**
 * One Ingress of ours with what every processor needs: its coordinates (namespace defaulted to
 * {@code default}), creation time (for ordering) and parsed canary annotations.
 *
 * @param created {@code metadata.creationTimestamp}, or {@code null} when absent or unparsable
 */
record IngressEntry(Ingress ingress, String namespace, String name, Instant created, CanaryAnnotations canary) {

    IngressEntry withCanary(CanaryAnnotations parsed) {
        return new IngressEntry(ingress, namespace, name, created, parsed);
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
