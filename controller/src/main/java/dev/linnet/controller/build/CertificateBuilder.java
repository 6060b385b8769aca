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

    /**
     * An extra name served by {@code host} (a server-alias, a www twin) gets {@code host}'s
     * certificate when that certificate is valid for the name; else the default one, and then
     * ssl-redirect does not fire for it (annotations-spec.md §2.2). A name with a certificate of
     * its own keeps it.
     */
    void alsoFor(String name, String host) {
        TlsCertificate c = host.startsWith("*.") ? wildcard.get(host.substring(2)) : exact.get(host);
        if (c != null && !hasCertificate(name) && c.covers(name)) {
            certificate(name, c);
        }
    }

    void defaultCertificate(TlsCertificate certificate) {
        this.defaultCertificate = certificate;
    }

    CertificateTable build() {
        return new CertificateTable(exact, wildcard, tlsHosts, defaultCertificate);
    }
}
