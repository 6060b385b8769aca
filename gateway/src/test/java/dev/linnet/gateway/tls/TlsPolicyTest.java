package dev.linnet.gateway.tls;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.proxy.ConfigHolder;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.proxy.GatewayServer;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TestCertificates.KeyFormat;
import dev.linnet.gateway.testing.TlsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ssl-protocols} and {@code ssl-ciphers} on the real HTTPS listener (catalogue S5), with
 * real handshakes; a changed policy serves new connections while open ones keep theirs.
 */
class TlsPolicyTest {

    private static final String HOST = "rsa.example.com";
    private static final Issued RSA = TestCertificates.issue(KeyFormat.PKCS8_RSA, Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(1)), "rsa", HOST);
    /** S5: {@code ssl-ciphers: ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-SHA}, {@code ssl-protocols: TLSv1.2}. */
    private static final TlsPolicy S5 = new TlsPolicy(List.of("TLSv1.2"), TlsPolicy.withTls13(List.of(
            OpenSslNames.cipher("ECDHE-RSA-AES256-GCM-SHA384"), OpenSslNames.cipher("ECDHE-RSA-AES256-SHA"))));

    private final RouteTableHolder routes = new RouteTableHolder();
    private ConfigHolder configs;
    private GatewayServer gateway;
    private GatewayMetrics metrics;
    private TestBackend backend;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.start("b");
        RouteTable t = table(route(HOST, "/", backend("b", backend)));
        routes.swap(new RouteTable(t.version(), t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(),
                new CertificateTable(Map.of(HOST, TlsCertificate.fromPem("default/rsa", RSA.certificatePem(),
                        RSA.keyPem())), Map.of(), Set.of(HOST), null)));
        configs = new ConfigHolder(GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0)
                .withHttpsPort(0).toBuilder().tlsPolicy(S5).build());
        metrics = GatewayMetrics.create(MetricsOptions.defaults());
        gateway = GatewayServer.start(configs, routes, metrics);
    }

    @AfterEach
    void stop() {
        gateway.close();
        metrics.close();
        backend.close();
    }

    @Test
    void s5_aTls12ClientNegotiatesTheConfiguredSuite() {
        try (TlsClient.Connection c = TlsClient.connect(gateway.httpsPort(), HOST, new String[] {"TLSv1.2"}, null)) {
            assertThat(c.protocol()).isEqualTo("TLSv1.2");
            assertThat(c.cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
            assertThat(c.get(HOST, "/", false).status()).isEqualTo(200);
        }
    }

    @Test
    void s5_suitesAndProtocolsOutsideThePolicyAreRefused() {
        assertThatThrownBy(() -> TlsClient.connect(gateway.httpsPort(), HOST, new String[] {"TLSv1.3"}, null))
                .as("TLS 1.3 is not in ssl-protocols").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TlsClient.connect(gateway.httpsPort(), HOST, new String[] {"TLSv1.2"},
                new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}))
                .as("a suite not in ssl-ciphers").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNewPolicyServesNewConnectionsWhileOpenOnesKeepTheirs() {
        try (TlsClient.Connection old = TlsClient.connect(gateway.httpsPort(), HOST, null, null)) {
            assertThat(old.protocol()).isEqualTo("TLSv1.2");

            configs.set(configs.current().toBuilder().tlsPolicy(TlsPolicy.DEFAULT).build());

            try (TlsClient.Connection fresh = TlsClient.connect(gateway.httpsPort(), HOST, null, null)) {
                assertThat(fresh.protocol()).isEqualTo("TLSv1.3");
                assertThat(fresh.get(HOST, "/new", false).status()).isEqualTo(200);
            }
            assertThat(old.get(HOST, "/old", false).status()).isEqualTo(200);
            assertThat(old.protocol()).isEqualTo("TLSv1.2");
        }
    }
}
