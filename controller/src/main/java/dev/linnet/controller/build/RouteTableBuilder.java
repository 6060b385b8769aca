package dev.linnet.controller.build;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.CanaryAnnotations;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster objects in, routing table out: a pure function (DESIGN.md). It never calls the API
 * server, and the same objects in any order give an equal table and equal warnings.
 *
 * <pre>
 *   Ingresses ─▶ ours? (IngressClassFilter) ─▶ sort oldest first (IngressOrder)
 *             ─▶ parse canary annotations (annotation package; warnings)
 *             ─▶ IngressProcessor: non-canary Ingresses claim hosts, paths, fallbacks
 *             ─▶ CanaryProcessor:  canary Ingresses attach to the routes they name
 *             ─▶ TlsProcessor:     spec.tls of non-canary Ingresses, --default-ssl-certificate
 *             ─▶ RouteTable (version 0; the control loop stamps it) + warnings
 * </pre>
 *
 * Backends are resolved on the way (BackendResolver), once per Service port.
 */
public final class RouteTableBuilder {

    private RouteTableBuilder() {
    }

    public static BuildResult build(ClusterState state, BuildOptions options) {
        requireNonNull(state, "state");
        requireNonNull(options, "options");
        BuildContext ctx = new BuildContext(state, options);
        IngressClassFilter filter = new IngressClassFilter(options, state.ingressClasses());

        List<IngressEntry> entries = new ArrayList<>();
        for (Ingress ingress : state.ingresses()) {
            if (ingress.getMetadata() != null && ingress.getMetadata().getName() != null && filter.isOurs(ingress)) {
                entries.add(new IngressEntry(ingress, BackendResolver.namespace(ingress),
                        ingress.getMetadata().getName(),
                        IngressOrder.parseTimestamp(ingress.getMetadata().getCreationTimestamp()),
                        CanaryAnnotations.NONE));
            }
        }
        entries.sort(IngressOrder.OLDEST_FIRST);

        // Parsed in sort order, so that annotation warnings come out in a deterministic order too.
        List<IngressEntry> parsed = new ArrayList<>(entries.size());
        for (IngressEntry e : entries) {
            ctx.source(e);
            parsed.add(e.withCanary(CanaryAnnotations.parse(e.ingress().getMetadata().getAnnotations(),
                    options.annotationsPrefix(), m -> ctx.warn(e, m))));
        }
        for (IngressEntry e : parsed) {
            if (!e.isCanary()) {
                IngressProcessor.process(ctx, e);
            }
        }
        for (IngressEntry e : parsed) {
            if (e.isCanary()) {
                CanaryProcessor.process(ctx, e);
            }
        }
        for (IngressEntry e : parsed) {
            if (!e.isCanary()) {
                TlsProcessor.process(ctx, e);
            }
        }
        TlsProcessor.defaultCertificate(ctx, options.defaultCertificate());
        return ctx.result();
    }
}
