package dev.linnet.gateway.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of a host that verifies clients: it names the host's CAs in the
 * CertificateRequest and accepts any client certificate, so that the handshake never fails
 * because of one (nginx's {@code ssl_verify_client}: the verdict waits for the request, which then
 * gets a 400 or the error page). Extended, so the JDK does not wrap it with checks of its own.
 */
final class AnyClientCertificate extends X509ExtendedTrustManager {

    private final X509Certificate[] issuers;

    AnyClientCertificate(ClientCa ca) {
        this.issuers = ca.certificates().toArray(new X509Certificate[0]);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return issuers.clone();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server context trusts no server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a server context trusts no server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a server context trusts no server");
    }
}
