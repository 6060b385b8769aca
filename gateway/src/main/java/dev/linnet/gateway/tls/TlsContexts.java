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
import java.util.List;
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
 * <p>Protocols and ciphers are Mozilla's "intermediate" profile: TLS 1.2 and 1.3, AEAD ciphers
 * with forward secrecy (without its DHE suites: ECDHE is in every client that has TLS 1.2).
 */
public final class TlsContexts {

    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final SslProvider provider;
    private final Cache<String, SslContext> cache = Caffeine.newBuilder()
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

    /** The context presenting {@code certificate}; built once per fingerprint. */
    public SslContext get(TlsCertificate certificate) {
        requireNonNull(certificate, "certificate");
        return cache.get(certificate.fingerprint(), k -> build(certificate, null));
    }

    /**
     * The context presenting {@code certificate} that also asks for a client certificate issued by
     * {@code clientCa} (auth-limits-spec.md §4). The handshake completes whatever the client sends:
     * the verdict is the request's ({@code ClientChains}), as nginx's is.
     */
    public SslContext get(TlsCertificate certificate, ClientCa clientCa) {
        requireNonNull(certificate, "certificate");
        requireNonNull(clientCa, "clientCa");
        return cache.get(certificate.fingerprint() + '/' + clientCa.fingerprint(), k -> build(certificate, clientCa));
    }

    private SslContext build(TlsCertificate certificate, ClientCa clientCa) {
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
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, Alpn.PROTOCOLS))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a TLS context for " + certificate, e);
        }
    }
}
