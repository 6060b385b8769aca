package dev.linnet.controller.build;

import dev.linnet.gateway.route.RouteTable;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.List;

/**
 * {@code spec.tls} of the main Ingresses, oldest first, into the table's certificates (ingress-nginx's
 * {@code createServers} TLS pass):
 *
 * <pre>
 *   for each spec.tls[] entry, for each of its hosts:
 *     host already has a certificate (an older Ingress)   ─▶ keep it
 *     no secretName                                       ─▶ TLS with the default certificate
 *     Secret (same namespace) unusable, or not covering
 *     the host (SAN / CN, RFC 6125 wildcards)              ─▶ default certificate + warning
 *     else                                                 ─▶ the host's certificate
 * </pre>
 *
 * Only the host loses its certificate: routes, other hosts and other Ingresses are untouched.
 * Entries without hosts are ignored (ingress-nginx would apply them to the default server; the
 * default certificate is {@code --default-ssl-certificate}'s job here). Canary Ingresses' TLS is
 * ignored, as ingress-nginx ignores every non-canary setting of a canary Ingress.
 */
final class TlsProcessor {

    private TlsProcessor() {
    }

    static void process(BuildContext ctx, IngressEntry ingress) {
        var spec = ingress.ingress().getSpec();
        List<IngressTLS> entries = spec == null || spec.getTls() == null ? List.of() : spec.getTls();
        for (IngressTLS tls : entries) {
            if (tls == null || tls.getHosts() == null) {
                continue;
            }
            for (String raw : tls.getHosts()) {
                if (raw == null || raw.isBlank()) {
                    continue;
                }
                host(ctx, ingress, normalise(raw), tls.getSecretName());
            }
        }
    }

    private static void host(BuildContext ctx, IngressEntry ingress, String host, String secretName) {
        CertificateBuilder certificates = ctx.certificates();
        if (certificates.hasCertificate(host)) {
            return;
        }
        if (secretName == null || secretName.isBlank()) {
            certificates.tls(host);
            return;
        }
        TlsSecrets.Resolved r = ctx.tlsSecrets().resolve(ingress.namespace(), secretName);
        String problem = r.problem();
        if (problem == null && !r.certificate().covers(host)) {
            problem = "Secret " + ingress.namespace() + '/' + secretName + ": the certificate ("
                    + r.certificate().leaf().getSubjectX500Principal().getName() + ") does not cover the host";
        }
        if (problem != null) {
            certificates.tls(host);
            ctx.warn(ingress, "TLS host " + host + ": " + problem + "; serving the default certificate");
        } else {
            certificates.certificate(host, r.certificate());
        }
    }

    /** {@code --default-ssl-certificate}: usable, or a warning on that Secret and the self-signed one. */
    static void defaultCertificate(BuildContext ctx, String namespaceSlashName) {
        if (namespaceSlashName == null) {
            return;
        }
        int slash = namespaceSlashName.indexOf('/');
        String ns = namespaceSlashName.substring(0, slash);
        String name = namespaceSlashName.substring(slash + 1);
        TlsSecrets.Resolved r = ctx.tlsSecrets().resolve(ns, name);
        if (r.problem() != null) {
            ctx.warnOn("Secret", ns, name, "--default-ssl-certificate: " + r.problem()
                    + "; serving the self-signed certificate");
        } else {
            ctx.certificates().defaultCertificate(r.certificate());
        }
    }

    private static String normalise(String host) {
        String h = host.trim();
        return h.startsWith("*.") ? "*." + RouteTable.normaliseHost(h.substring(2)) : RouteTable.normaliseHost(h);
    }
}
