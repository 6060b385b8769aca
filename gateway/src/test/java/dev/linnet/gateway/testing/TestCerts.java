package dev.linnet.gateway.testing;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Self-signed certificates generated in the test (BouncyCastle underneath), as JDK or Netty key material. */
public final class TestCerts {

    private TestCerts() {
    }

    public static SelfSignedCertificate selfSigned(String host) {
        try {
            return new SelfSignedCertificate(host, "EC", 256); // EC: key generation in milliseconds, not seconds
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server-side JDK context serving {@code cert}. */
    public static SSLContext serverContext(SelfSignedCertificate cert) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] password = "test".toCharArray();
            ks.setKeyEntry("key", cert.key(), password, new Certificate[] {cert.cert()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
