package dev.linnet.gateway.tls;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.ClientCertAuth;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.RouteTableHolder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.function.Supplier;

/**
 * The SNI name of a ClientHello to the context to answer with, from the table and the
 * {@link TlsPolicy} current at that moment (so a new table or policy serves new connections; a
 * connection keeps what its handshake chose):
 *
 * <pre>
 *   name ─▶ table's certificates: exact ─▶ wildcard ─▶ --default-ssl-certificate
 *        ─▶ else the listener's self-signed certificate
 * </pre>
 *
 * No SNI (IP-address clients, old clients) gets the default, as in nginx's default server.
 * Synchronous: everything is in memory, and the context cache makes the rare miss cheap enough.
 */
public final class SniMapping implements Mapping<String, SslContext> {

    private final RouteTableHolder routes;
    private final TlsContexts contexts;
    private final TlsCertificate fallback;
    private final Supplier<TlsPolicy> policy;

    /** With the default protocols and ciphers (tests). */
    public SniMapping(RouteTableHolder routes, TlsContexts contexts, TlsCertificate fallback) {
        this(routes, contexts, fallback, () -> TlsPolicy.DEFAULT);
    }

    /** @param policy the protocols and ciphers in force, read at each ClientHello */
    public SniMapping(RouteTableHolder routes, TlsContexts contexts, TlsCertificate fallback,
            Supplier<TlsPolicy> policy) {
        this.routes = requireNonNull(routes, "routes");
        this.contexts = requireNonNull(contexts, "contexts");
        this.fallback = requireNonNull(fallback, "fallback");
        this.policy = requireNonNull(policy, "policy");
    }

    /**
     * The context for a ClientHello's server name: it asks for a client certificate when that
     * name's server verifies clients ({@code auth-tls-*}: SNI decides, as in nginx, whose
     * {@code ssl_verify_client} lives in the server block; no SNI gets the default server's).
     */
    @Override
    public SslContext map(String serverName) {
        RouteTable table = routes.current();
        TlsCertificate certificate = certificateFor(table, serverName);
        ClientCertAuth clientAuth = table.virtualHost(serverName).policies().find(ClientCertAuth.class);
        TlsPolicy now = policy.get();
        return clientAuth != null && clientAuth.requestsCertificate()
                ? contexts.get(certificate, clientAuth.ca(), now)
                : contexts.get(certificate, now);
    }

    /** The certificate a ClientHello with this server name (or null: none) gets. */
    public TlsCertificate certificateFor(String serverName) {
        return certificateFor(routes.current(), serverName);
    }

    private TlsCertificate certificateFor(RouteTable table, String serverName) {
        CertificateTable certificates = table.certificates();
        TlsCertificate c = serverName == null ? null : certificates.lookup(RouteTable.normaliseHost(serverName));
        if (c == null) {
            c = certificates.defaultCertificate();
        }
        return c == null ? fallback : c;
    }
}
