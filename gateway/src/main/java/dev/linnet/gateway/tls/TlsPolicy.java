package dev.linnet.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The TLS protocols and cipher suites the HTTPS listener offers ({@code ssl-protocols},
 * {@code ssl-ciphers}), in the TLS provider's names ({@code TLSv1.2}, IANA suite names); the
 * controller maps ingress-nginx's OpenSSL names ({@link OpenSslNames}). A change applies to new
 * connections: {@link TlsContexts} keys its contexts by policy.
 *
 * @param protocols enabled protocol versions, never empty
 * @param ciphers enabled cipher suites, TLS 1.3 ones included; the provider's unsupported ones
 *     are left out when a context is built
 */
public record TlsPolicy(List<String> protocols, List<String> ciphers) {

    /** TLS 1.3's suites: nginx's {@code ssl_ciphers} does not touch them (OpenSSL sets them apart). */
    public static final List<String> TLS13_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    /** ingress-nginx's default {@code ssl-ciphers}, in OpenSSL's names. */
    public static final String DEFAULT_CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
            + "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

    /** ingress-nginx's defaults: TLS 1.2 and 1.3, its eight suites (BoringSSL has no DHE: six there). */
    public static final TlsPolicy DEFAULT = new TlsPolicy(List.of("TLSv1.3", "TLSv1.2"), withTls13(
            OpenSslNames.ciphers(DEFAULT_CIPHERS)));

    public TlsPolicy {
        protocols = List.copyOf(requireNonNull(protocols, "protocols"));
        ciphers = List.copyOf(requireNonNull(ciphers, "ciphers"));
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols: [] (expected: at least one)");
        }
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("ciphers: [] (expected: at least one)");
        }
    }

    /** TLS 1.3's suites followed by {@code ciphers} (the TLS 1.2 ones an {@code ssl-ciphers} names). */
    public static List<String> withTls13(List<String> ciphers) {
        List<String> all = new java.util.ArrayList<>(TLS13_CIPHERS);
        all.addAll(ciphers);
        return List.copyOf(all);
    }
}
