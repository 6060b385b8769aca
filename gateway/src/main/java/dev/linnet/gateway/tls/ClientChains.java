package dev.linnet.gateway.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The verdict on a client's certificate chain, as OpenSSL gives it to nginx after the handshake
 * (auth-limits-spec.md §4): the chain is built from the client's certificates up to a CA of
 * {@code ca.crt}, at most {@code depth} intermediates long, then checked with the JDK's PKIX
 * validator (signatures, validity, basic constraints, and with {@code ca.crl} a CRL for every
 * certificate of the chain). A failure carries OpenSSL's error code and text, which nginx puts in
 * {@code ssl-client-verify: FAILED:<text>}.
 *
 * <pre>
 *   leaf ─▶ issuer a root of ca.crt? ─yes─▶ PKIX (path, that anchor, CRLs) ─▶ ok / expired / revoked / …
 *            │ no
 *            ▼ issuer an intermediate of ca.crt, or among the client's certificates? ─yes─▶ next
 *            │ no                                              (more than depth? chain too long, 22)
 *            ▼ self-signed leaf (18) / self-signed in chain (19) / a ca.crt intermediate without
 *              its root (2: nginx allows no partial chain) / unable to get local issuer (20)
 * </pre>
 */
public final class ClientChains {

    /** OpenSSL's {@code X509_V_ERR_*} code and {@code X509_verify_cert_error_string} text (OpenSSL 3). */
    public record Failure(int code, String text) {
        /** The errors {@code optional_no_ca} lets pass (nginx's {@code ngx_ssl_verify_error_optional}). */
        public boolean untrustedOnly() {
            return code == 18 || code == 19 || code == 20 || code == 21 || code == 27;
        }
    }

    static final Failure SELF_SIGNED = new Failure(18, "self-signed certificate");
    static final Failure SELF_SIGNED_IN_CHAIN = new Failure(19, "self-signed certificate in certificate chain");
    static final Failure NO_ISSUER = new Failure(2, "unable to get issuer certificate");
    static final Failure NO_LOCAL_ISSUER = new Failure(20, "unable to get local issuer certificate");
    static final Failure CHAIN_TOO_LONG = new Failure(22, "certificate chain too long");

    private ClientChains() {
    }

    /**
     * @param chain the client's certificates, leaf first, as the handshake gave them
     * @return null when the chain is trusted, else why not
     */
    public static Failure verify(List<X509Certificate> chain, ClientCa ca, int depth) {
        X509Certificate current = chain.get(0);
        if (selfSigned(current) && ca.certificates().contains(current)) {
            return pkix(List.of(current), current, ca); // trusted as it is
        }
        List<X509Certificate> path = new ArrayList<>(); // leaf … last intermediate; the anchor is not in it
        path.add(current);
        while (true) {
            X509Certificate fromCa = issuer(current, ca.certificates(), path);
            if (fromCa != null && selfSigned(fromCa)) {
                return pkix(path, fromCa, ca); // a root of ca.crt: the anchor
            }
            X509Certificate next = fromCa != null ? fromCa : issuer(current, chain, path);
            if (next == null) {
                if (selfSigned(current)) {
                    return path.size() == 1 ? SELF_SIGNED : SELF_SIGNED_IN_CHAIN;
                }
                // nginx sets no X509_V_FLAG_PARTIAL_CHAIN: an intermediate of ca.crt needs its root there too
                return ca.certificates().contains(current) ? NO_ISSUER : NO_LOCAL_ISSUER;
            }
            path.add(next);
            current = next;
            if (!selfSigned(next) && path.size() - 1 > depth) { // an untrusted root ends the chain: 19, not 22
                return CHAIN_TOO_LONG;
            }
        }
    }

    private static boolean selfSigned(X509Certificate c) {
        return c.getIssuerX500Principal().equals(c.getSubjectX500Principal());
    }

    /** A certificate of {@code candidates} (not in {@code used}) named as {@code cert}'s issuer. */
    private static X509Certificate issuer(X509Certificate cert, List<X509Certificate> candidates,
            List<X509Certificate> used) {
        for (X509Certificate c : candidates) {
            if (c.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && !used.contains(c)) {
                return c;
            }
        }
        return null;
    }

    private static Failure pkix(List<X509Certificate> path, X509Certificate anchor, ClientCa ca) {
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            // With CRLs: revocation from them only (OCSP and CRL distribution points are off by
            // default in the JDK, so nothing is fetched); a certificate without a CRL fails (3).
            params.setRevocationEnabled(!ca.crls().isEmpty());
            if (!ca.crls().isEmpty()) {
                params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(ca.crls())));
            }
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
                    params);
            return null;
        } catch (CertPathValidatorException e) {
            if (e.getReason() == BasicReason.UNDETERMINED_REVOCATION_STATUS && e.getIndex() >= 0
                    && e.getIndex() < path.size() && crlExpired(path.get(e.getIndex()), ca)) {
                return new Failure(12, "CRL has expired"); // the JDK only says it found no current CRL
            }
            return failure(e.getReason());
        } catch (GeneralSecurityException e) {
            return new Failure(28, "certificate rejected");
        }
    }

    /** Whether {@code ca.crl} holds a CRL of {@code cert}'s issuer, but only an outdated one. */
    private static boolean crlExpired(X509Certificate cert, ClientCa ca) {
        Date now = new Date();
        for (X509CRL crl : ca.crls()) {
            if (crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal())
                    && (crl.getNextUpdate() == null || !crl.getNextUpdate().before(now))) {
                return false;
            }
        }
        return ca.crls().stream().anyMatch(crl -> crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal()));
    }

    private static Failure failure(CertPathValidatorException.Reason reason) {
        if (reason == BasicReason.EXPIRED) {
            return new Failure(10, "certificate has expired");
        } else if (reason == BasicReason.NOT_YET_VALID) {
            return new Failure(9, "certificate is not yet valid");
        } else if (reason == BasicReason.REVOKED) {
            return new Failure(23, "certificate revoked");
        } else if (reason == BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return new Failure(3, "unable to get certificate CRL");
        } else if (reason == BasicReason.INVALID_SIGNATURE) {
            return new Failure(7, "certificate signature failure");
        } else if (reason == PKIXReason.PATH_TOO_LONG) {
            return new Failure(25, "path length constraint exceeded");
        } else if (reason == PKIXReason.NOT_CA_CERT || reason == PKIXReason.INVALID_KEY_USAGE) {
            return new Failure(24, "invalid CA certificate");
        } else if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return NO_LOCAL_ISSUER;
        }
        return new Failure(28, "certificate rejected");
    }
}
