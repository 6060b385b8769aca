package dev.linnet.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * What a host that verifies client certificates trusts: the certificates of its
 * {@code auth-tls-secret}'s {@code ca.crt}, and the CRLs of its {@code ca.crl} (auth-limits-spec.md §4).
 * The names of the certificates go into the handshake's CertificateRequest, so clients pick a
 * certificate those CAs issued. Equal when the certificates and CRLs are.
 */
public final class ClientCa {

    private final List<X509Certificate> certificates;
    private final List<X509CRL> crls;
    private final String fingerprint; // of the certificates: the context cache's key, read per handshake

    /**
     * @param certificates the trust anchors, at least one
     * @param crls the revocation lists; when there are any, every certificate of a client's chain
     *     needs one from its issuer (OpenSSL's {@code CRL_CHECK_ALL}), else the chain fails
     */
    public ClientCa(List<X509Certificate> certificates, List<X509CRL> crls) {
        this.certificates = List.copyOf(requireNonNull(certificates, "certificates"));
        this.crls = List.copyOf(requireNonNull(crls, "crls"));
        if (this.certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates: none (expected: at least one CA certificate)");
        }
        this.fingerprint = digest(this.certificates);
    }

    /** Reads {@code ca.crt} (one or more PEM certificates) and the optional {@code ca.crl} (PEM, may be null). */
    public static ClientCa fromPem(String caCrt, String caCrl) {
        List<X509Certificate> certificates = Pem.certificates(caCrt, "ca.crt");
        List<X509CRL> crls = caCrl == null || caCrl.isBlank() ? List.of() : Pem.crls(caCrl);
        return new ClientCa(certificates, crls);
    }

    public List<X509Certificate> certificates() {
        return certificates;
    }

    public List<X509CRL> crls() {
        return crls;
    }

    /** A SHA-256 digest of the certificates (the CRLs do not change the handshake). */
    public String fingerprint() {
        return fingerprint;
    }

    private static String digest(List<X509Certificate> certificates) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : certificates) {
                sha.update(c.getEncoded());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientCa c && fingerprint.equals(c.fingerprint) && crls.equals(c.crls);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "ClientCa[" + certificates.size() + " certificates, " + crls.size() + " CRLs, sha256 "
                + fingerprint.substring(0, 16) + "…]";
    }
}
