package dev.linnet.gateway.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM as Kubernetes TLS Secrets hold it. Keys come in three dialects: PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, cert-manager's default
 * {@code privateKey.encoding}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}, what {@code openssl
 * ecparam -genkey} writes). The JDK reads only the first; BouncyCastle's parser reads all three.
 * Encrypted keys are refused: a Secret has nowhere to keep the passphrase (nor has ingress-nginx).
 */
final class Pem {

    private Pem() {
    }

    /** The certificates of a {@code tls.crt}, leaf first, as written. */
    static List<X509Certificate> certificates(String pem) {
        return certificates(pem, "tls.crt");
    }

    /** The certificates of the Secret key {@code key} ({@code tls.crt}, {@code ca.crt}), in order. */
    static List<X509Certificate> certificates(String pem, String key) {
        if (pem == null || pem.isBlank()) {
            throw new InvalidCertificateException(key + " is empty");
        }
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidCertificateException(key + " holds no PEM certificate (expected: -----BEGIN CERTIFICATE-----)");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new InvalidCertificateException(key + " holds no certificate");
            }
            return out;
        } catch (CertificateException e) {
            throw new InvalidCertificateException(key + " is malformed (" + e.getMessage() + ')', e);
        }
    }

    /** The revocation lists of a {@code ca.crl}: PEM whose first block is {@code X509 CRL}, as ingress-nginx requires. */
    static List<X509CRL> crls(String pem) {
        if (!pem.strip().startsWith("-----BEGIN X509 CRL-----")) {
            throw new InvalidCertificateException("ca.crl is not a PEM CRL (expected: -----BEGIN X509 CRL-----)");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509CRL> out = new ArrayList<>();
            for (var c : factory.generateCRLs(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509CRL) c);
            }
            if (out.isEmpty()) {
                throw new InvalidCertificateException("ca.crl holds no CRL");
            }
            return out;
        } catch (CertificateException | CRLException | RuntimeException e) {
            if (e instanceof InvalidCertificateException i) {
                throw i;
            }
            throw new InvalidCertificateException("ca.crl is malformed (" + e.getMessage() + ')', e);
        }
    }

    /** The private key of a {@code tls.key} (its first PEM object that is a key). */
    static PrivateKey privateKey(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new InvalidCertificateException("tls.key is empty");
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) { // PKCS#8
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) { // PKCS#1 RSA, SEC1 EC
                    // The private half only: SEC1 makes the public key optional, and without it
                    // converting the pair fails.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new InvalidCertificateException("tls.key is encrypted (expected: an unencrypted key)");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidCertificateException i) {
                throw i;
            }
            throw new InvalidCertificateException("tls.key is malformed (" + e.getMessage() + ')', e);
        }
        throw new InvalidCertificateException(
                "tls.key holds no private key (expected: PKCS#8, PKCS#1 RSA or SEC1 EC PEM)");
    }
}
