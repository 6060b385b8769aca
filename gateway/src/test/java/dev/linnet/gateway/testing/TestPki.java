package dev.linnet.gateway.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small PKI made in the test, for client certificates: CAs, intermediates, leaves and CRLs
 * (EC P-256, quick to make), written as PEM the way an {@code auth-tls-secret} holds them.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A certificate, its key, and the chain above it (not including the root). */
    public record Cert(X509Certificate certificate, PrivateKey key, List<X509Certificate> issuers) {
        /** Leaf first, then its intermediates: what a client sends. */
        public X509Certificate[] chain() {
            List<X509Certificate> all = new ArrayList<>();
            all.add(certificate);
            all.addAll(issuers);
            return all.toArray(new X509Certificate[0]);
        }

        public String pem() {
            return TestPki.pem(certificate);
        }
    }

    private TestPki() {
    }

    /** A self-signed CA. */
    public static Cert ca(String dn) {
        KeyPair pair = keyPair();
        return new Cert(build(dn, pair, new X500Name(dn), pair.getPrivate(), true, validFrom(), validTo()),
                pair.getPrivate(), List.of());
    }

    /** An intermediate CA issued by {@code issuer}. */
    public static Cert intermediate(Cert issuer, String dn) {
        return issue(issuer, dn, true, validFrom(), validTo());
    }

    /** A client certificate issued by {@code issuer}. */
    public static Cert client(Cert issuer, String dn) {
        return issue(issuer, dn, false, validFrom(), validTo());
    }

    /** A client certificate issued by {@code issuer}, valid in the given period. */
    public static Cert client(Cert issuer, String dn, Instant notBefore, Instant notAfter) {
        return issue(issuer, dn, false, notBefore, notAfter);
    }

    /** A self-signed client certificate. */
    public static Cert selfSigned(String dn) {
        KeyPair pair = keyPair();
        return new Cert(build(dn, pair, new X500Name(dn), pair.getPrivate(), false, validFrom(), validTo()),
                pair.getPrivate(), List.of());
    }

    private static Cert issue(Cert issuer, String dn, boolean ca, Instant notBefore, Instant notAfter) {
        KeyPair pair = keyPair();
        X509Certificate c = build(dn, pair, subject(issuer.certificate()), issuer.key(), ca, notBefore, notAfter);
        List<X509Certificate> chain = new ArrayList<>();
        if (!issuer.certificate().getSubjectX500Principal().equals(issuer.certificate().getIssuerX500Principal())) {
            chain.add(issuer.certificate()); // an intermediate travels with its leaves; the root does not
            chain.addAll(issuer.issuers());
        }
        return new Cert(c, pair.getPrivate(), chain);
    }

    /** A CRL of {@code issuer} revoking {@code revoked}, valid for a day. */
    public static X509CRL crl(Cert issuer, X509Certificate... revoked) {
        return crl(issuer, Instant.now().plus(Duration.ofDays(1)), revoked);
    }

    /** A CRL of {@code issuer} revoking {@code revoked}, whose next update is due at {@code nextUpdate}. */
    public static X509CRL crl(Cert issuer, Instant nextUpdate, X509Certificate... revoked) {
        try {
            Instant now = Instant.now();
            X509v2CRLBuilder b = new X509v2CRLBuilder(subject(issuer.certificate()),
                    Date.from(now.minus(Duration.ofDays(2))));
            b.setNextUpdate(Date.from(nextUpdate));
            for (X509Certificate r : revoked) {
                b.addCRLEntry(r.getSerialNumber(), Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
            }
            return new JcaX509CRLConverter().getCRL(b.build(signer(issuer.key())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static X500Name subject(X509Certificate c) {
        try {
            return new JcaX509CertificateHolder(c).getSubject();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(String dn, KeyPair pair, X500Name issuer, PrivateKey issuerKey, boolean ca,
            Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name(dn), pair.getPublic());
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant validFrom() {
        return Instant.now().minus(Duration.ofDays(1));
    }

    private static Instant validTo() {
        return Instant.now().plus(Duration.ofDays(30));
    }
}
