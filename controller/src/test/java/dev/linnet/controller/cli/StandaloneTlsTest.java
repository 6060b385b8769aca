package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.loop.ControlLoop;
import dev.linnet.controller.source.LogCapture;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TlsClient;
import dev.linnet.gateway.tls.SelfSigned;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS in manifest mode, end to end: Secrets in the files, the real serve wiring, real handshakes. */
class StandaloneTlsTest {

    private static final String HOST = "live.example.com";
    private static final String BROKEN = "broken.example.com";

    @TempDir
    Path manifests;

    private TestBackend backend;
    private StandaloneServer server;
    private LogCapture warnings;

    @BeforeEach
    void startBackend() throws IOException {
        backend = TestBackend.start("stable");
        warnings = LogCapture.of(ControlLoop.class);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        backend.close();
        warnings.close();
    }

    private void start(BuildOptions options) throws InterruptedException {
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0).withHttpsPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, options));
    }

    @Test
    void servesTheSecretsCertificateRedirectsPlainHttpAndPicksUpARotation() throws Exception {
        Issued first = TestCertificates.issue("live-1", HOST);
        Issued other = TestCertificates.issue("other", "other.example.com");
        Files.writeString(manifests.resolve("backend.yaml"), StandaloneServerTest.service("stable", backend.port()));
        Files.writeString(manifests.resolve("ingress.yaml"), ingress("live", HOST, "live-tls") + "---\n"
                + ingress("broken", BROKEN, "broken-tls"));
        Files.writeString(manifests.resolve("secrets.yaml"), secret("live-tls", first) + "---\n"
                + secret("broken-tls", other.certificatePem(), first.keyPem()));
        start(BuildOptions.serveAll());
        await().until(() -> server.routes().current().certificates().lookup(HOST) != null);

        TlsClient.Result https = TlsClient.get(server.httpsPort(), HOST, HOST, "/shop");
        assertThat(https.cn()).isEqualTo("CN=live-1");
        assertThat(https.status()).isEqualTo(200);
        assertThat(backend.last().header("x-forwarded-proto")).isEqualTo("https");

        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/shop?q=1")).header("Host", HOST).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(308);
        assertThat(plain.headers().firstValue("location")).hasValue("https://" + HOST + "/shop?q=1");

        // The broken Secret costs its host the certificate, nothing else, and says why.
        assertThat(TlsClient.get(server.httpsPort(), BROKEN, BROKEN, "/").cn()).contains(SelfSigned.FAKE_CN);
        assertThat(TlsClient.get(server.httpsPort(), BROKEN, BROKEN, "/").status()).isEqualTo(200);
        assertThat(warnings.messages(Level.WARN)).anySatisfy(m -> assertThat(m)
                .contains("Ingress default/broken", "TLS host broken.example.com", "Secret default/broken-tls",
                        "tls.key does not match the certificate"));

        Issued second = TestCertificates.issue("live-2", HOST);
        Files.writeString(manifests.resolve("secrets.yaml"), secret("live-tls", second));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> TlsClient.get(server.httpsPort(), HOST, HOST, "/").cn().equals("CN=live-2"));
        assertThat(TlsClient.get(server.httpsPort(), HOST, HOST, "/").status()).isEqualTo(200);
    }

    @Test
    void theDefaultCertificateComesFromASecretInTheFiles() throws Exception {
        Issued fallback = TestCertificates.issue("fallback", "fallback.example.com");
        Files.writeString(manifests.resolve("backend.yaml"), StandaloneServerTest.service("stable", backend.port()));
        Files.writeString(manifests.resolve("secrets.yaml"), secret("default-tls", fallback));
        start(BuildOptions.serveAll().withDefaultCertificate("default/default-tls"));
        await().until(() -> server.routes().current().certificates().defaultCertificate() != null);

        assertThat(TlsClient.get(server.httpsPort(), "nobody.example.com", "nobody.example.com", "/").cn())
                .isEqualTo("CN=fallback");
        assertThat(TlsClient.get(server.httpsPort(), null, "nobody.example.com", "/").cn()).isEqualTo("CN=fallback");
    }

    static String secret(String name, Issued cert) {
        return secret(name, cert.certificatePem(), cert.keyPem());
    }

    static String secret(String name, String certificatePem, String keyPem) {
        Base64.Encoder b64 = Base64.getEncoder();
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                """.formatted(name, b64.encodeToString(certificatePem.getBytes(StandardCharsets.US_ASCII)),
                b64.encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII)));
    }

    static String ingress(String name, String host, String secretName) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %1$s
                spec:
                  tls:
                  - hosts: ["%2$s"]
                    secretName: %3$s
                  rules:
                  - host: %2$s
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: stable
                            port:
                              number: 80
                """.formatted(name, host, secretName);
    }
}
