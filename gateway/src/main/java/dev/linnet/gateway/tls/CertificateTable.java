package dev.linnet.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;

/**
 * Which certificate the HTTPS listener presents for a server name, built with the routing table
 * (the table carries it, so a Secret's rotation is one more table swap). Looked up like hosts are:
 *
 * <pre>
 *   SNI name (normalised) ─▶ exact map ─▶ wildcard map (*.example.com, keyed by "example.com")
 *                         ─▶ default certificate (--default-ssl-certificate), else null:
 *                            the listener's self-signed "fake" certificate
 * </pre>
 *
 * {@code tlsHosts} are the hosts some {@code spec.tls} names, whether or not their Secret could be
 * used: a host whose Secret is broken is served with the default certificate, and still counts
 * as "has TLS" for {@code ssl-redirect}, because the Ingress asked for HTTPS.
 *
 * @param exact host to certificate
 * @param wildcard {@code *.example.com}'s certificate under {@code example.com}
 * @param tlsHosts hosts listed in some {@code spec.tls[].hosts}, as written ({@code *.x.com} for wildcards)
 * @param defaultCertificate the {@code --default-ssl-certificate} Secret, or {@code null}
 */
public record CertificateTable(
        Map<String, TlsCertificate> exact,
        Map<String, TlsCertificate> wildcard,
        Set<String> tlsHosts,
        TlsCertificate defaultCertificate) {

    public static final CertificateTable EMPTY = new CertificateTable(Map.of(), Map.of(), Set.of(), null);

    public CertificateTable {
        exact = Map.copyOf(requireNonNull(exact, "exact"));
        wildcard = Map.copyOf(requireNonNull(wildcard, "wildcard"));
        tlsHosts = Set.copyOf(requireNonNull(tlsHosts, "tlsHosts"));
    }

    /** The certificate for a normalised host (lower case, no port), or null for the default one. */
    public TlsCertificate lookup(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        TlsCertificate c = exact.get(host);
        if (c != null || wildcard.isEmpty()) {
            return c;
        }
        int dot = host.indexOf('.');
        return dot > 0 ? wildcard.get(host.substring(dot + 1)) : null;
    }

    /** Whether an Ingress configured TLS for a normalised host (exactly, or through a wildcard). */
    public boolean hasTls(String host) {
        if (host == null || host.isEmpty() || tlsHosts.isEmpty()) {
            return false;
        }
        if (tlsHosts.contains(host)) {
            return true;
        }
        int dot = host.indexOf('.');
        return dot > 0 && tlsHosts.contains("*" + host.substring(dot));
    }
}
