package dev.linnet.gateway.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Certificates made in the test: self-signed, for the DNS names asked, valid for the period
 * asked, with the key written as PKCS#8, PKCS#1 RSA or SEC1 EC PEM, the way Secrets hold them.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** How the key is written into {@code tls.key}. */
    public enum KeyFormat { PKCS8_RSA, PKCS1_RSA, PKCS8_EC, SEC1_EC }

    /** PEM of one certificate and its key; {@code cn} is the subject's CN. */
    public record Issued(String cn, X509Certificate certificate, String certificatePem, String keyPem) {
    }

    private TestCertificates() {
    }

    public static Issued issue(String cn, String... dnsNames) {
        return issue(KeyFormat.PKCS8_EC, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
                cn, dnsNames);
    }

    public static Issued issue(KeyFormat format, Instant notBefore, Instant notAfter, String cn, String... dnsNames) {
        try {
            KeyPairGenerator gen;
            boolean rsa = format == KeyFormat.PKCS1_RSA || format == KeyFormat.PKCS8_RSA;
            if (rsa) {
                gen = KeyPairGenerator.getInstance("RSA");
                gen.initialize(2048);
            } else {
                gen = KeyPairGenerator.getInstance("EC");
                gen.initialize(new ECGenParameterSpec("secp256r1"));
            }
            KeyPair pair = gen.generateKeyPair();
            X500Name subject = new X500Name("CN=" + cn);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    pair.getPublic());
            if (dnsNames.length > 0) {
                GeneralName[] names = new GeneralName[dnsNames.length];
                for (int i = 0; i < dnsNames.length; i++) {
                    names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(rsa ? "SHA256withRSA" : "SHA256withECDSA").build(pair.getPrivate())));
            String keyPem = switch (format) {
                case PKCS8_RSA, PKCS8_EC -> pem(new PemObject("PRIVATE KEY", pair.getPrivate().getEncoded()));
                case PKCS1_RSA -> pem(new JcaMiscPEMGenerator(pair.getPrivate()).generate());
                case SEC1_EC -> pem(new PemObject("EC PRIVATE KEY", sec1(pair)));
            };
            return new Issued(cn, cert, pem(new PemObject("CERTIFICATE", cert.getEncoded())), keyPem);
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed Ed25519 certificate and its PKCS#8 key, valid for a day around now. */
    public static Issued issueEd25519(String cn, String dnsName) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            X500Name subject = new X500Name("CN=" + cn);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minusSeconds(86_400)),
                    Date.from(now.plusSeconds(86_400)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("Ed25519").build(pair.getPrivate())));
            return new Issued(cn, cert, pem(new PemObject("CERTIFICATE", cert.getEncoded())),
                    pem(new PemObject("PRIVATE KEY", pair.getPrivate().getEncoded())));
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SEC1 with the curve and the public key in it, as {@code openssl ecparam -genkey} writes it. */
    private static byte[] sec1(KeyPair pair) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        return new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
    }

    private static String pem(PemObject object) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
