package dev.linnet.gateway.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate served when nothing better is known (no SNI, an unknown name, a host whose
 * Secret is unusable) and no {@code --default-ssl-certificate} is set: like ingress-nginx, a
 * self-signed certificate made at start-up, with its subject
 * ({@code O=Acme Co, CN=Kubernetes Ingress Controller Fake Certificate}) and SAN
 * {@code ingress.local}, so monitoring that recognises ingress-nginx's fake certificate
 * recognises ours. Never written to disk; a new one every start.
 */
public final class SelfSigned {

    public static final String FAKE_CN = "Kubernetes Ingress Controller Fake Certificate";
    public static final String FAKE_SAN = "ingress.local";

    private SelfSigned() {
    }

    /** A fresh fake certificate (EC P-256, one year, like ingress-nginx's). */
    public static TlsCertificate fakeCertificate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = gen.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("O=Acme Co, CN=" + FAKE_CN);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(365))),
                    subject, pair.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, FAKE_SAN)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return TlsCertificate.of("self-signed", List.of(cert), pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot generate the self-signed default certificate", e);
        }
    }
}
