package dev.linnet.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TestCertificates.KeyFormat;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsContextsTest {

    private static final Issued RSA = TestCertificates.issue(KeyFormat.PKCS1_RSA, Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(1)), "rsa", "rsa.example.com");

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void onlyTls12And13WithTheIntermediateCiphersOnEitherProvider(SslProvider provider) {
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            return; // nothing to check where BoringSSL does not load
        }
        TlsContexts contexts = TlsContexts.withProvider(provider);
        TlsCertificate cert = TlsCertificate.fromPem("ns/rsa", RSA.certificatePem(), RSA.keyPem());
        SslContext context = contexts.get(cert);

        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        try {
            // Netty's OpenSSL engine always lists the pseudo-protocol SSLv2Hello (a ClientHello
            // format, not a version; BoringSSL has no SSLv2 at all).
            assertThat(List.of(engine.getEnabledProtocols())).filteredOn(p -> !p.equals("SSLv2Hello"))
                    .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
            assertThat(List.of(engine.getEnabledCipherSuites())).isNotEmpty()
                    .allSatisfy(c -> assertThat(TlsPolicy.DEFAULT.ciphers()).contains(c));
            assertThat(context.applicationProtocolNegotiator().protocols()).isEqualTo(Alpn.PROTOCOLS);
        } finally {
            io.netty.util.ReferenceCountUtil.release(engine);
        }
        // built once per certificate: another object with the same fingerprint shares it
        assertThat(contexts.get(TlsCertificate.fromPem("ns/rsa", RSA.certificatePem(), RSA.keyPem()))).isSameAs(context);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void aHostThatVerifiesClientsAsksForACertificateOnEitherProvider(SslProvider provider) {
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            return;
        }
        TlsContexts contexts = TlsContexts.withProvider(provider);
        TlsCertificate cert = TlsCertificate.fromPem("ns/rsa", RSA.certificatePem(), RSA.keyPem());
        ClientCa ca = new ClientCa(List.of(dev.linnet.gateway.testing.TestPki.ca("CN=CA").certificate()), List.of());
        SslContext asking = contexts.get(cert, ca);

        SSLEngine engine = asking.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine plain = contexts.get(cert).newEngine(ByteBufAllocator.DEFAULT);
        try {
            assertThat(engine.getWantClientAuth()).isTrue();
            assertThat(engine.getNeedClientAuth()).as("the handshake never fails for a certificate").isFalse();
            assertThat(plain.getWantClientAuth()).isFalse();
        } finally {
            io.netty.util.ReferenceCountUtil.release(engine);
            io.netty.util.ReferenceCountUtil.release(plain);
        }
        assertThat(contexts.get(cert, ca)).isSameAs(asking).isNotSameAs(contexts.get(cert));
    }
    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void aPolicyDecidesProtocolsAndCiphersAndGetsItsOwnContext(SslProvider provider) {
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            return;
        }
        TlsContexts contexts = TlsContexts.withProvider(provider);
        TlsCertificate cert = TlsCertificate.fromPem("ns/rsa", RSA.certificatePem(), RSA.keyPem());
        TlsPolicy tls12 = new TlsPolicy(List.of("TLSv1.2"), TlsPolicy.withTls13(List.of(
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384")));
        SslContext context = contexts.get(cert, tls12);

        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        try {
            assertThat(List.of(engine.getEnabledProtocols())).filteredOn(p -> !p.equals("SSLv2Hello"))
                    .containsExactly("TLSv1.2");
            assertThat(List.of(engine.getEnabledCipherSuites())).contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
                    .doesNotContain("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        } finally {
            io.netty.util.ReferenceCountUtil.release(engine);
        }
        assertThat(contexts.get(cert, tls12)).isSameAs(context);
        assertThat(contexts.get(cert, TlsPolicy.DEFAULT)).isNotSameAs(context).isSameAs(contexts.get(cert));
    }
}
