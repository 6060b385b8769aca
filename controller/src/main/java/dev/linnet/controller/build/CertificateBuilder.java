package dev.linnet.controller.build;

import dev.linnet.gateway.tls.CertificateTable;
import dev.linnet.gateway.tls.TlsCertificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The {@link CertificateTable} under construction: hosts are keyed like {@code RouteTable}'s. */
final class CertificateBuilder {

    private final Map<String, TlsCertificate> exact = new HashMap<>();
    private final Map<String, TlsCertificate> wildcard = new HashMap<>();
    private final Set<String> tlsHosts = new HashSet<>();
    private TlsCertificate defaultCertificate;

    /** Whether {@code host} ({@code *.x.com} for wildcards) already has a certificate. */
    boolean hasCertificate(String host) {
        return host.startsWith("*.") ? wildcard.containsKey(host.substring(2)) : exact.containsKey(host);
    }

    /** Some {@code spec.tls} lists the host, whether or not it gets its own certificate. */
    void tls(String host) {
        tlsHosts.add(host);
    }

    void certificate(String host, TlsCertificate certificate) {
        tlsHosts.add(host);
        if (host.startsWith("*.")) {
            wildcard.put(host.substring(2), certificate);
        } else {
            exact.put(host, certificate);
        }
    }

    void defaultCertificate(TlsCertificate certificate) {
        this.defaultCertificate = certificate;
    }

    CertificateTable build() {
        return new CertificateTable(exact, wildcard, tlsHosts, defaultCertificate);
    }
}
