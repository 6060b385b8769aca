package dev.linnet.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A certificate chain and its private key, as one {@code kubernetes.io/tls} Secret holds them:
 * immutable, checked on creation ({@link #fromPem}), and identified by a fingerprint of the leaf
 * and the key so that the gateway builds one {@code SslContext} per distinct pair however many
 * tables (or hosts) carry it.
 *
 * @param name where it came from, e.g. {@code shop/shop-tls} (logs, /debug/routes)
 * @param chain leaf first, then intermediates
 * @param key the leaf's private key
 * @param fingerprint SHA-256 over the leaf's DER and the key's encoding, hex
 */
public record TlsCertificate(String name, List<X509Certificate> chain, PrivateKey key, String fingerprint) {

    public TlsCertificate {
        requireNonNull(name, "name");
        chain = List.copyOf(requireNonNull(chain, "chain"));
        requireNonNull(key, "key");
        requireNonNull(fingerprint, "fingerprint");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: empty (expected: at least the leaf certificate)");
        }
    }

    /**
     * Parses and checks a Secret's {@code tls.crt} and {@code tls.key}.
     *
     * @throws InvalidCertificateException naming what is wrong (malformed PEM, no certificate,
     *     unsupported key, key not matching the certificate)
     */
    public static TlsCertificate fromPem(String name, String certificatePem, String keyPem) {
        List<X509Certificate> chain = Pem.certificates(certificatePem);
        PrivateKey key = Pem.privateKey(keyPem);
        KeyMatch.check(chain.get(0), key);
        return of(name, chain, key);
    }

    /** A pair already known to belong together (the self-signed default certificate). */
    static TlsCertificate of(String name, List<X509Certificate> chain, PrivateKey key) {
        return new TlsCertificate(name, chain, key, fingerprint(chain, key));
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** Whether the leaf certificate is valid for {@code host} (RFC 6125; see {@link HostNames}). */
    public boolean covers(String host) {
        return HostNames.covers(leaf(), host);
    }

    /** Equal when the fingerprints are: same leaf, same key, whatever object holds them. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TlsCertificate t && t.name.equals(name) && t.fingerprint.equals(fingerprint);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "TlsCertificate[" + name + ", " + leaf().getSubjectX500Principal().getName() + ", sha256 "
                + fingerprint.substring(0, 16) + "…]";
    }

    /** Over the whole chain: a Secret re-applied with a fixed intermediate is a new certificate. */
    private static String fingerprint(List<X509Certificate> chain, PrivateKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : chain) {
                sha.update(c.getEncoded());
            }
            byte[] encodedKey = key.getEncoded();
            if (encodedKey != null) {
                sha.update(encodedKey);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }
}
