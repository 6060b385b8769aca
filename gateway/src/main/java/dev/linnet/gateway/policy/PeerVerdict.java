package dev.linnet.gateway.policy;

import dev.linnet.gateway.tls.ClientChains;
import dev.linnet.gateway.tls.DistinguishedNames;
import dev.linnet.gateway.tls.TlsConnection;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One connection's client certificate as a host that verifies clients judges it: computed at the
 * connection's first request to that host and kept on the connection (HTTP/2 streams share their
 * parent's), so PKIX runs once per connection, not per request. A new table (new policy) judges again.
 *
 * @param certificate the client's leaf, or null when it sent none
 * @param failure why the chain is not trusted, or null
 */
record PeerVerdict(ClientCertAuth judge, X509Certificate certificate, ClientChains.Failure failure,
        String subject, String issuer, String escapedPem) {

    private static final AttributeKey<PeerVerdict> KEY = AttributeKey.valueOf(PeerVerdict.class, "verdict");

    static PeerVerdict of(Channel channel, ClientCertAuth judge) {
        Channel connection = TlsConnection.connection(channel);
        PeerVerdict cached = connection.attr(KEY).get();
        if (cached != null && cached.judge == judge) {
            return cached;
        }
        PeerVerdict v = judge(TlsConnection.session(connection), judge);
        connection.attr(KEY).set(v);
        return v;
    }

    private static PeerVerdict judge(SSLSession session, ClientCertAuth judge) {
        List<X509Certificate> chain = peerChain(session);
        if (chain.isEmpty()) {
            return new PeerVerdict(judge, null, null, null, null, null);
        }
        X509Certificate leaf = chain.get(0);
        return new PeerVerdict(judge, leaf, ClientChains.verify(chain, judge.ca(), judge.depth()),
                DistinguishedNames.rfc2253(leaf.getSubjectX500Principal()),
                DistinguishedNames.rfc2253(leaf.getIssuerX500Principal()),
                judge.passCertificate() ? escapedPem(leaf) : null);
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        if (session == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // no certificate sent (or none asked for)
        }
    }

    /** {@code ssl-client-verify}: nginx's {@code $ssl_client_verify}. */
    String verifyText() {
        if (certificate == null) {
            return "NONE";
        }
        return failure == null ? "SUCCESS" : "FAILED:" + failure.text();
    }

    /**
     * nginx's {@code $ssl_client_escaped_cert}: the PEM as OpenSSL writes it, with everything but
     * {@code A-Z a-z 0-9 - . _ ~} percent-encoded ({@code -----BEGIN%20CERTIFICATE-----%0A…}).
     */
    static String escapedPem(X509Certificate certificate) {
        String pem;
        try {
            pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder(pem.length() + pem.length() / 8);
        for (byte b : pem.getBytes(StandardCharsets.US_ASCII)) {
            char c = (char) b;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
