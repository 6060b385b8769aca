package dev.linnet.gateway.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: sign a few bytes with the key, verify with the
 * certificate's public key. One rule for RSA and EC (EdDSA is refused), where comparing key parameters would
 * need one rule per algorithm. A mismatch found here is a warning at build time instead of a
 * handshake failure for every client.
 */
final class KeyMatch {

    private static final byte[] PROBE = "linnet key match".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {
    }

    static void check(X509Certificate leaf, PrivateKey key) {
        String keyAlg = key.getAlgorithm();
        String certAlg = leaf.getPublicKey().getAlgorithm();
        if (!sameFamily(keyAlg, certAlg)) {
            throw new InvalidCertificateException("tls.key is a " + keyAlg + " key but the certificate's is " + certAlg);
        }
        try {
            String alg = signatureAlgorithm(keyAlg);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(PROBE);
            if (!verifier.verify(signature)) {
                throw new InvalidCertificateException("tls.key does not match the certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidCertificateException("tls.key cannot be checked against the certificate ("
                    + e.getMessage() + ')', e);
        }
    }

    private static boolean sameFamily(String a, String b) {
        return family(a).equals(family(b));
    }

    private static String family(String alg) {
        return switch (alg) {
            case "EC", "ECDSA" -> "EC";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> alg;
        };
    }

    private static String signatureAlgorithm(String keyAlg) {
        return switch (family(keyAlg)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            // BoringSSL (the provider in production) fails every handshake with an Ed25519 server
            // key, and browsers do not accept such certificates: refuse it here, with a warning.
            case "EdDSA" -> throw new InvalidCertificateException("tls.key: " + keyAlg
                    + " keys are not supported for serving (expected: RSA or EC)");
            default -> throw new InvalidCertificateException("tls.key: unsupported key algorithm " + keyAlg
                    + " (expected: RSA or EC)");
        };
    }
}
