package dev.linnet.gateway.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a certificate is valid for a host name, by RFC 6125 section 6.4: the DNS names of the
 * subjectAltName, or the subject's CN only when there are none (6.4.4, what browsers no longer
 * do but ingress-nginx's check still accepts). A wildcard is a whole left-most label, {@code *}
 * only, and stands for exactly one label (6.4.3): {@code *.example.com} covers
 * {@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}. An Ingress host
 * that is itself a wildcard is covered only by the same wildcard.
 */
final class HostNames {

    private static final int DNS_NAME = 2;

    private HostNames() {
    }

    static boolean covers(X509Certificate cert, String host) {
        String h = lower(host);
        for (String name : names(cert)) {
            if (matches(lower(name), h)) {
                return true;
            }
        }
        return false;
    }

    static List<String> names(X509Certificate cert) {
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
                        dns.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (dns.isEmpty()) {
            String cn = commonName(cert);
            if (cn != null) {
                dns.add(cn);
            }
        }
        return dns;
    }

    static boolean matches(String pattern, String host) {
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (pattern.equals(host)) {
            return true; // also "*.example.com" for the Ingress host "*.example.com"
        }
        if (!pattern.startsWith("*.") || host.startsWith("*.")) {
            return false;
        }
        String suffix = pattern.substring(1); // ".example.com"
        if (suffix.indexOf('*') >= 0 || suffix.indexOf('.', 1) < 0) {
            return false; // "*.*.com" or "*.com": never valid
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(suffix);
    }

    private static String commonName(X509Certificate cert) {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString(); // the most specific (last) CN
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
