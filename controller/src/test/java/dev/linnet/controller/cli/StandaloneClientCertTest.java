package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TestPki;
import dev.linnet.gateway.testing.TestPki.Cert;
import dev.linnet.gateway.testing.TlsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth-tls-*} end to end in manifest mode: an Ingress with the annotations and a Secret of
 * CAs in the files, the real serve wiring, real handshakes presenting a client certificate.
 */
class StandaloneClientCertTest {

    private static final String HOST = "authtls.foo.com";
    private static final Cert CA = TestPki.ca("CN=Manifest CA");
    private static final Cert CLIENT = TestPki.client(CA, "O=Acme Co,CN=authtls.foo.com-client");

    @TempDir
    Path manifests;

    private TestBackend backend;
    private StandaloneServer server;

    @BeforeEach
    void startBackend() throws IOException {
        backend = TestBackend.start("stable");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        backend.close();
    }

    private static String caSecret(String name, String key, String pem) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                type: Opaque
                data:
                  %s: %s
                """.formatted(name, key, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String ingress(String secret) {
        return StandaloneTlsTest.ingress("web", HOST, "server-tls").replace("metadata:\n  name: web\n", """
                metadata:
                  name: web
                  annotations:
                    nginx.ingress.kubernetes.io/auth-tls-secret: "%s"
                    nginx.ingress.kubernetes.io/auth-tls-match-cn: "CN=authtls"
                """.formatted(secret));
    }

    private int status(Cert client) {
        try (TlsClient.Connection c = TlsClient.connect(server.httpsPort(), HOST, client)) {
            return c.get(HOST, "/", true).status();
        }
    }

    @Test
    void t1_andT7_aCaSecretInTheFilesMakesTheHostAskForCertificates() throws Exception {
        Issued serverCert = TestCertificates.issue("authtls", HOST);
        Files.writeString(manifests.resolve("backend.yaml"), StandaloneServerTest.service("stable", backend.port()));
        Files.writeString(manifests.resolve("secrets.yaml"), StandaloneTlsTest.secret("server-tls", serverCert)
                + "---\n" + caSecret("client-ca", "ca.crt", CA.pem()));
        Files.writeString(manifests.resolve("ingress.yaml"), ingress("default/client-ca"));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0).withHttpsPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> !server.routes().current().virtualHost(HOST).policies().isEmpty());

        assertThat(status(null)).isEqualTo(400);
        assertThat(status(CLIENT)).isEqualTo(200);
        assertThat(backend.last().header("ssl-client-subject-dn")).isEqualTo("CN=authtls.foo.com-client,O=Acme Co");
        assertThat(status(TestPki.client(CA, "CN=mallory"))).as("match-cn").isEqualTo(403);

        // The Secret loses its ca.crt: the host fails closed (403), it does not open up.
        Files.writeString(manifests.resolve("secrets.yaml"), StandaloneTlsTest.secret("server-tls", serverCert)
                + "---\n" + caSecret("client-ca", "tls.crt", serverCert.certificatePem()));
        await().untilAsserted(() -> assertThat(status(CLIENT)).isEqualTo(403));
        assertThat(status(null)).isEqualTo(403);
    }
}
