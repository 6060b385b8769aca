package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.PREFIX;
import static dev.linnet.controller.cluster.K8s.ingress;
import static dev.linnet.controller.cluster.K8s.service;
import static dev.linnet.controller.cluster.K8s.slice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.check.ClusterKubeconfig;
import dev.linnet.controller.cli.Main;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code linnet check --kubeconfig} against fabric8's mock API server: what ingress-nginx serves
 * today ({@code --ingress-class nginx}, its default class included), read with GETs only (issue 20).
 */
class ClusterCheckTest {

    @TempDir
    Path dir;

    private MockCluster cluster;
    private Path kubeconfig;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new MockCluster();
        KubernetesClient kubectl = cluster.client();
        for (String s : new String[] {"app", "app-v2"}) {
            kubectl.services().resource(service(s)).create();
            kubectl.discovery().v1().endpointSlices().resource(slice(s + "-1", s, 8080, false)).create();
        }
        kubectl.network().v1().ingressClasses().resource(new IngressClassBuilder()
                .withNewMetadata().withName("nginx")
                    .withAnnotations(Map.of("ingressclass.kubernetes.io/is-default-class", "true")).endMetadata()
                .withNewSpec().withController("k8s.io/ingress-nginx").endSpec().build()).create();
        kubectl.network().v1().ingresses().resource(ingress("app", "nginx", "app.example.com", "app", Map.of())).create();
        kubectl.network().v1().ingresses().resource(ingress("shop", null, "shop.example.com", "app",
                Map.of(PREFIX + "limit-rps", "10"))).create();
        kubectl.network().v1().ingresses().resource(ingress("app-canary", "nginx", "app.example.com", "app-v2",
                Map.of(PREFIX + "canary", "true", PREFIX + "canary-by-header", "X-Canary"))).create();
        kubectl.network().v1().ingresses().resource(ingress("traefik", "traefik", "t.example.com", "app", Map.of()))
                .create();
        kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, ClusterKubeconfig.yaml(cluster.url()));
        cluster.requests().clear();
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void reportsOnWhatIngressNginxServesTodayReadingOnly() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute("check", "--kubeconfig", kubeconfig.toString(), "--ingress-class", "nginx",
                "--format", "json");

        assertThat(code).as(err.toString()).isEqualTo(1);
        JsonNode root = JsonMapper.builder().build().readTree(out.toString());
        Map<String, String> verdicts = new java.util.TreeMap<>();
        root.get("ingresses").forEach(i -> verdicts.put(i.get("name").asString(), i.get("verdict").asString()));
        // shop has no class: ingress-nginx's default class takes it; it shares Service app with the
        // canary's main rule, and has an annotation Linnet does not implement
        assertThat(verdicts).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("app", "same",
                "app-canary", "different", "shop", "different")));
        assertThat(root.get("summary").get("skipped").asInt()).isEqualTo(1); // traefik's
        assertThat(out.toString()).contains("limit-rps").contains("#4692");
        assertThat(cluster.requests()).isNotEmpty().allMatch(r -> r.getMethod().equals("GET"));
    }

    @Test
    void onlyTheWatchedNamespacesAreRead() {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(new StringWriter(), true));
        int code = cmd.execute("check", "--kubeconfig", kubeconfig.toString(), "--ingress-class", "nginx",
                "--watch-namespace", "elsewhere");
        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("0 Ingresses: 0 same, 0 different, 0 not served\n");
    }
}
