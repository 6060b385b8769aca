package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.linnet.controller.cli.ClusterConfig;
import dev.linnet.controller.loop.ControlLoop;
import dev.linnet.controller.source.LogCapture;
import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TlsClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cluster mode: TLS Secrets from the API server, rotated through it, with traffic on the route. */
class ClusterTlsTest {

    private static final String HOST = "secure.example.com";

    private final MockCluster cluster = new MockCluster();
    private final Backends backends = new Backends();
    private KubernetesClient kubectl;
    private ClusterServer linnet;
    private final LogCapture warnings = LogCapture.of(ControlLoop.class);

    @BeforeEach
    void setUp() throws Exception {
        kubectl = cluster.client();
        int stable = backends.start("stable");
        kubectl.services().resource(K8s.service("stable")).create();
        kubectl.discovery().v1().endpointSlices().resource(K8s.slice("stable-a", "stable", stable, false)).create();
        Ingress ingress = K8s.ingress("secure", "linnet", HOST, "stable", Map.of());
        ingress.getSpec().setTls(List.of(new IngressTLSBuilder().withHosts(HOST).withSecretName("secure-tls").build()));
        kubectl.network().v1().ingresses().resource(ingress).create();
        kubectl.secrets().resource(secret("secure-tls", TestCertificates.issue("first", HOST))).create();
        kubectl.secrets().resource(secret("fallback-tls", TestCertificates.issue("fallback-1", "x.invalid"))).create();
        ClusterConfig base = Controllers.config("linnet-0", List.of(), false);
        ClusterConfig config = new ClusterConfig(base.kubeconfig(), base.watchNamespaces(),
                base.gateway().withHttpsPort(0), base.adminPort(),
                base.buildOptions().withDefaultCertificate(NS + "/fallback-tls"), base.statusOptions(), base.metrics());
        linnet = ClusterServer.start(config, cluster.client());
    }

    @AfterEach
    void tearDown() {
        if (linnet != null) {
            linnet.close();
        }
        backends.close();
        cluster.close();
        warnings.close();
    }

    @Test
    void rotatedSecretsServeNewConnectionsWithoutARestart() {
        int port = linnet.httpsPort();
        await().atMost(Duration.ofSeconds(10)).until(() -> TlsClient.get(port, HOST, HOST, "/").cn().equals("CN=first"));
        assertThat(TlsClient.get(port, HOST, HOST, "/").status()).isEqualTo(200);
        assertThat(TlsClient.get(port, "unknown.example.com", HOST, "/").cn()).isEqualTo("CN=fallback-1");

        try (TlsClient.Connection open = TlsClient.connect(port, HOST)) {
            kubectl.secrets().resource(secret("secure-tls", TestCertificates.issue("second", HOST))).update();
            kubectl.secrets().resource(secret("fallback-tls", TestCertificates.issue("fallback-2", "x.invalid"))).update();

            await().atMost(Duration.ofSeconds(5)).until(() -> TlsClient.get(port, HOST, HOST, "/").cn().equals("CN=second"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> TlsClient.get(port, null, HOST, "/").cn().equals("CN=fallback-2"));
            TlsClient.Result onOld = open.get(HOST, "/", false);
            assertThat(onOld.status()).isEqualTo(200);
            assertThat(onOld.cn()).isEqualTo("CN=first");
        }
        // The initial sync waits for the Secret informer: no table saw the Secrets missing.
        assertThat(warnings.messages(Level.WARN)).noneMatch(m -> m.contains("not found"));
    }

    private static Secret secret(String name, Issued cert) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", b64.encodeToString(cert.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                .addToData("tls.key", b64.encodeToString(cert.keyPem().getBytes(StandardCharsets.US_ASCII)))
                .build();
    }
}
