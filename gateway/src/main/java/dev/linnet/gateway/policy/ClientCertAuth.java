package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.tls.ClientCa;
import dev.linnet.gateway.tls.TlsConnection;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * Client certificates ({@code auth-tls-*}), a host-level policy: ingress-nginx writes them into
 * the {@code server} block, so they hold for every path of the host, matched or not
 * (auth-limits-spec.md §4). The handshake asked for a certificate when the SNI name was this host
 * ({@code SniMapping}) and accepted whatever came; the verdict is made here, for each request, in
 * nginx's order:
 *
 * <pre>
 *   HTTPS: SNI named another host than Host ─▶ 421
 *          chain fails (optional_no_ca: unless only untrusted) ─▶ 400 "The SSL certificate error" / 302 error page
 *          on, and no certificate ─▶ 400 "No required SSL certificate was sent" / 302 error page
 *          ssl-client-* headers set on the request (upstream and auth subrequest see them)
 *   any:   match-cn does not find its pattern in the subject DN ─▶ 403 "client certificate unauthorized"
 * </pre>
 *
 * Plain HTTP to the host is not checked (only match-cn, whose DN is then empty), as in nginx.
 *
 * @param ca the trust anchors and CRLs of the {@code auth-tls-secret}
 * @param depth the most intermediates between a client's certificate and a CA ({@code auth-tls-verify-depth})
 * @param errorPage the URL a failed verdict redirects to with 302, or null ({@code auth-tls-error-page})
 * @param passCertificate whether {@code ssl-client-cert} carries the client's certificate upstream
 * @param matchCn the {@code auth-tls-match-cn} pattern (with its {@code CN=}), or null
 */
public record ClientCertAuth(ClientCa ca, VerifyClient verify, int depth, String errorPage, boolean passCertificate,
        HeaderPattern matchCn) implements RequestPolicy {

    /** {@code auth-tls-verify-client}: nginx's {@code ssl_verify_client}. */
    public enum VerifyClient {
        ON, OFF, OPTIONAL, OPTIONAL_NO_CA;

        /** The annotation's spelling ({@code optional_no_ca}), or null. */
        public static VerifyClient of(String value) {
            return switch (value) {
                case "on" -> ON;
                case "off" -> OFF;
                case "optional" -> OPTIONAL;
                case "optional_no_ca" -> OPTIONAL_NO_CA;
                default -> null;
            };
        }
    }

    public static final AsciiString SSL_CLIENT_VERIFY = AsciiString.cached("ssl-client-verify");
    public static final AsciiString SSL_CLIENT_SUBJECT_DN = AsciiString.cached("ssl-client-subject-dn");
    public static final AsciiString SSL_CLIENT_ISSUER_DN = AsciiString.cached("ssl-client-issuer-dn");
    public static final AsciiString SSL_CLIENT_CERT = AsciiString.cached("ssl-client-cert");

    static final String NO_CERTIFICATE = "400 No required SSL certificate was sent\n";
    static final String CERTIFICATE_ERROR = "400 The SSL certificate error\n";
    static final String UNAUTHORIZED = "client certificate unauthorized";

    public ClientCertAuth {
        requireNonNull(ca, "ca");
        requireNonNull(verify, "verify");
        if (depth < 1) {
            throw new IllegalArgumentException("depth: " + depth + " (expected: > 0)");
        }
    }

    @Override
    public Step step() {
        return Step.HOST_ACCESS;
    }

    /** Whether the handshake asks for a client certificate (every mode but {@code off}). */
    public boolean requestsCertificate() {
        return verify != VerifyClient.OFF;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        String subject = null; // $ssl_client_s_dn: empty on plain HTTP, without a certificate, or with off
        if (request.tls()) {
            HttpHeaders h = request.request().headers();
            if (!requestsCertificate()) {
                h.set(SSL_CLIENT_VERIFY, "NONE");
            } else {
                String sni = TlsConnection.serverName(request.channel());
                if (sni != null && !sni.equals(request.host())) {
                    // ngx_http_set_virtual_server: a certificate asked for one name proves nothing for another
                    request.answer(Answers.status(request.channel().alloc(), HttpResponseStatus.MISDIRECTED_REQUEST));
                    return Flow.ANSWERED;
                }
                PeerVerdict peer = PeerVerdict.of(request.channel(), this);
                if (peer.failure() != null && !(verify == VerifyClient.OPTIONAL_NO_CA && peer.failure().untrustedOnly())) {
                    return refuse(request, CERTIFICATE_ERROR); // nginx's 495
                }
                if (verify == VerifyClient.ON && peer.certificate() == null) {
                    return refuse(request, NO_CERTIFICATE); // nginx's 496
                }
                h.set(SSL_CLIENT_VERIFY, peer.verifyText());
                if (peer.certificate() != null) {
                    subject = peer.subject();
                    h.set(SSL_CLIENT_SUBJECT_DN, subject);
                    h.set(SSL_CLIENT_ISSUER_DN, peer.issuer());
                    if (passCertificate) {
                        h.set(SSL_CLIENT_CERT, peer.escapedPem());
                    }
                }
            }
        }
        // if ($ssl_client_s_dn !~ "CN=…") { return 403 "client certificate unauthorized"; }: an
        // unanchored search; a match that runs out of its budget does not let the request through.
        if (matchCn != null && matchCn.match(subject == null ? "" : subject) != HeaderPattern.Result.MATCH) {
            request.answer(Answers.text(request.channel().alloc(), HttpResponseStatus.FORBIDDEN, UNAUTHORIZED));
            return Flow.ANSWERED;
        }
        return Flow.CONTINUE;
    }

    /** nginx's {@code error_page 495 496 = <url>}: a redirect when the page is set, else its 400. */
    private Flow refuse(RequestContext request, String text) {
        request.answer(errorPage != null ? Answers.redirect(302, errorPage)
                : Answers.text(request.channel().alloc(), HttpResponseStatus.BAD_REQUEST, text));
        return Flow.ANSWERED;
    }
}
