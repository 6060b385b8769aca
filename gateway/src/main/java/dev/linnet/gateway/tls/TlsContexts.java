package dev.linnet.gateway.tls;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server {@link SslContext} per certificate, built on first use and cached by fingerprint, so
 * the hundreds of tables a busy cluster publishes do not rebuild contexts, and a rotated Secret (a
 * new fingerprint) gets a new one for new connections while open connections keep theirs.
 * Contexts unused for an hour are dropped (the OPENSSL provider's contexts free their native part
 * when collected).
 *
 * <p>Protocols and ciphers are the {@link TlsPolicy} in force ({@code ssl-protocols},
 * {@code ssl-ciphers}; by default ingress-nginx's: TLS 1.2 and 1.3, AEAD ciphers with forward
 * secrecy). The policy is part of the cache key, so a changed policy serves new connections
 * with new contexts while open connections keep theirs; the old ones expire unused.
 */
public final class TlsContexts {

    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    private final SslProvider provider;
    private final Cache<Key, SslContext> cache = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(1))
            .executor(Runnable::run) // upkeep on the calling thread: no other thread woken per handshake
            .build();

    private TlsContexts(SslProvider provider) {
        this.provider = provider;
    }

    /** BoringSSL (netty-tcnative) when its native library loads, else the JDK's provider; logs which. */
    public static TlsContexts create() {
        if (OpenSsl.isAvailable()) {
            log.info("TLS provider: {} (netty-tcnative)", OpenSsl.versionString());
            return new TlsContexts(SslProvider.OPENSSL);
        }
        log.info("TLS provider: JDK ({}); netty-tcnative did not load: {}", System.getProperty("java.version"),
                String.valueOf(OpenSsl.unavailabilityCause()));
        return new TlsContexts(SslProvider.JDK);
    }

    /** A given provider (tests: the JDK path where BoringSSL loads). */
    static TlsContexts withProvider(SslProvider provider) {
        return new TlsContexts(requireNonNull(provider, "provider"));
    }

    public SslProvider provider() {
        return provider;
    }

    /** The context presenting {@code certificate}, with the default policy (tests). */
    public SslContext get(TlsCertificate certificate) {
        return get(certificate, TlsPolicy.DEFAULT);
    }

    /** The context presenting {@code certificate}; built once per fingerprint and policy. */
    public SslContext get(TlsCertificate certificate, TlsPolicy policy) {
        requireNonNull(certificate, "certificate");
        requireNonNull(policy, "policy");
        return cache.get(new Key(certificate.fingerprint(), null, policy), k -> build(certificate, null, policy));
    }

    /** As {@link #get(TlsCertificate, ClientCa, TlsPolicy)} with the default policy (tests). */
    public SslContext get(TlsCertificate certificate, ClientCa clientCa) {
        return get(certificate, clientCa, TlsPolicy.DEFAULT);
    }

    /**
     * The context presenting {@code certificate} that also asks for a client certificate issued by
     * {@code clientCa} (auth-limits-spec.md §4). The handshake completes whatever the client sends:
     * the verdict is the request's ({@code ClientChains}), as nginx's is.
     */
    public SslContext get(TlsCertificate certificate, ClientCa clientCa, TlsPolicy policy) {
        requireNonNull(certificate, "certificate");
        requireNonNull(clientCa, "clientCa");
        requireNonNull(policy, "policy");
        return cache.get(new Key(certificate.fingerprint(), clientCa.fingerprint(), policy),
                k -> build(certificate, clientCa, policy));
    }

    /** A context's identity: the certificate, the client CA (or null), the protocols and ciphers. */
    private record Key(String certificate, String clientCa, TlsPolicy policy) {
    }

    private SslContext build(TlsCertificate certificate, ClientCa clientCa, TlsPolicy policy) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificate.key(),
                    certificate.chain().toArray(new X509Certificate[0]));
            if (clientCa != null) {
                builder.clientAuth(ClientAuth.OPTIONAL).trustManager(new AnyClientCertificate(clientCa));
            } else {
                builder.clientAuth(ClientAuth.NONE);
            }
            return builder
                    .sslProvider(provider)
                    .protocols(policy.protocols())
                    .ciphers(policy.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, Alpn.PROTOCOLS))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a TLS context for " + certificate, e);
        }
    }
}
