package dev.linnet.controller.build;

import dev.linnet.controller.annotation.ClientCertAnnotations;
import dev.linnet.controller.annotation.Deviation;
import dev.linnet.controller.annotation.ClusterLookup;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code auth-tls-*} onto the hosts (ingress-nginx's {@code getBackendServers}, auth-limits-spec.md
 * §4): Ingresses oldest first; for each host of its rules, the first Ingress whose annotations
 * give a CA sets the host's client certificates for every path of every Ingress on it, later
 * ones are warned about and ignored, and an Ingress whose {@code auth-tls-secret} cannot be used
 * makes the host answer 403 whatever the others say.
 *
 * <p>Deliberate difference (auth-limits-spec.md §1.5, [DIFF, optional]): a canary Ingress never
 * sets host-level security; ingress-nginx lets an older canary's {@code auth-tls-*} become the
 * host's. Its keys are warned about and ignored (still validated: DROP drops the canary).
 */
final class ClientCertProcessor {

    private ClientCertProcessor() {
    }

    static void process(BuildContext ctx, List<IngressEntry> ingresses, ClusterLookup lookup) {
        String prefix = ctx.options().annotationsPrefix();
        for (IngressEntry ingress : ingresses) {
            Map<String, String> annotations = ingress.ingress().getMetadata().getAnnotations();
            if (!ClientCertAnnotations.present(annotations, prefix)) {
                continue;
            }
            Consumer<String> warn = m -> ctx.warn(ingress, m);
            boolean canaryAsIngressNginx = ingress.isCanary() && ctx.options().asIngressNginx();
            if (ingress.isCanary() && !canaryAsIngressNginx) {
                warn.accept("the auth-tls-* annotations are ignored on a canary Ingress: a host's client certificates"
                        + " come from its main Ingresses only (ingress-nginx would let a canary set them)");
                continue;
            }
            ClientCertAnnotations.Result r = ClientCertAnnotations.parse(annotations, prefix, ingress.namespace(),
                    lookup, warn, ctx.options().asIngressNginx());
            if (r.hostPolicy() == null) {
                continue;
            }
            List<IngressRule> rules = ingress.spec().getRules() == null ? List.of() : ingress.spec().getRules();
            for (IngressRule rule : rules) {
                HostRef ref = rule.getHttp() == null ? null : HostRef.of(rule.getHost(), m -> { });
                HostBuilder host = ref == null ? null : ctx.existingHost(ref);
                if (host != null && !host.clientCertificates(r.hostPolicy())) {
                    warn.accept("host " + host.host().name() + ": client certificates are already set by an older"
                            + " Ingress (auth-tls-* applies per host); ignored here");
                } else if (host != null && canaryAsIngressNginx) { // linnet check only
                    String note = Deviation.note(ClientCertAnnotations.SECRET.fullName(prefix), "host "
                            + host.host().name() + ": ingress-nginx lets the canary Ingress " + ingress.key()
                            + " set the host's client certificates (auth-limits-spec §1.5); Linnet takes them from"
                            + " main Ingresses only");
                    warn.accept(note);
                    host.routes().forEach(route -> ctx.warn(route.namespace(), route.ingress(), note));
                }
            }
        }
    }
}
