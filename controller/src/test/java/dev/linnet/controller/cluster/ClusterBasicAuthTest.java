package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.NS;
import static dev.linnet.controller.cluster.K8s.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.cli.ClusterServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode reads auth Secrets (Opaque, not only kubernetes.io/tls): an Ingress whose Secret
 * does not exist yet answers 503, and creating the Secret makes it authenticate, without a restart.
 */
class ClusterBasicAuthTest {

    private static final String HOST = "auth.example.com";

    private final MockCluster cluster = new MockCluster();
    private final Backends backends = new Backends();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ClusterServer linnet;

    @AfterEach
    void tearDown() {
        if (linnet != null) {
            linnet.close();
        }
        backends.close();
        cluster.close();
    }

    private int get(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + linnet.httpPort() + "/"))
                .timeout(Duration.ofSeconds(10)).header("Host", HOST);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void anAuthSecretCreatedAfterTheIngressTurnsThe503IntoAuthentication() throws Exception {
        KubernetesClient kubectl = cluster.client();
        kubectl.services().resource(K8s.service("stable")).create();
        kubectl.discovery().v1().endpointSlices()
                .resource(K8s.slice("stable-a", "stable", backends.start("stable"), false)).create();
        kubectl.network().v1().ingresses().resource(K8s.ingress("app", "linnet", HOST, "stable", Map.of(
                PREFIX + "auth-type", "basic", PREFIX + "auth-secret", "basic-auth",
                PREFIX + "auth-realm", "cluster"))).create();
        linnet = Controllers.start(cluster.client(), "linnet-0");
        await().atMost(Duration.ofSeconds(10)).until(() -> get() == 503);

        String file = "foo:$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0\n"; // openssl passwd -apr1 -salt saltsalt secret
        kubectl.secrets().resource(new SecretBuilder().withNewMetadata().withName("basic-auth").withNamespace(NS)
                .endMetadata().withType("Opaque")
                .addToData("auth", Base64.getEncoder().encodeToString(file.getBytes(StandardCharsets.US_ASCII)))
                .build()).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> get() == 401);
        String credentials = Base64.getEncoder().encodeToString("foo:secret".getBytes(StandardCharsets.US_ASCII));
        assertThat(get("Authorization", "Basic " + credentials)).isEqualTo(200);
        assertThat(get("Authorization", "Basic " + Base64.getEncoder().encodeToString("foo:x".getBytes()))).isEqualTo(401);

        // Helm's release Secrets (large, many) stay out of the informer's cache
        assertThat(cluster.requests()).filteredOn(r -> r.getMethod().equals("GET"))
                .map(r -> URLDecoder.decode(r.getPath(), StandardCharsets.UTF_8))
                .filteredOn(p -> p.contains("/secrets"))
                .isNotEmpty()
                .allMatch(p -> p.contains("type!=helm.sh/release.v1") && !p.contains("type=kubernetes.io/tls"), "fieldSelector");
    }
}
