package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.NS;
import static dev.linnet.controller.cluster.K8s.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.controller.source.ClusterRbac;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * End to end against a real API server (K3s in Docker). Linnet runs in this JVM, as a pod would,
 * with a service account holding exactly {@link ClusterRbac#RULES}: the test also proves that
 * the ClusterRole the Helm chart derives from it is enough. The backends run on this host and
 * the EndpointSlices point at them (Linnet, not the cluster, connects to the endpoints), so no
 * image has to be pulled besides K3s.
 *
 * <p>Skipped, with the reason shown, where there is no Docker engine. Run it with
 * {@code mvn -B verify} (or {@code -pl controller test -Dtest=K3sEndToEndTest}) on a machine with Docker.
 */
@org.junit.jupiter.api.extension.ExtendWith(K3sEndToEndTest.SaySkipped.class) // first: runs before the skip
@Testcontainers(disabledWithoutDocker = true)
class K3sEndToEndTest {

    /** Puts the skip reason in the build log, where Surefire alone only counts "Skipped: 1". */
    static final class SaySkipped implements org.junit.jupiter.api.extension.ExecutionCondition {
        @Override
        public org.junit.jupiter.api.extension.ConditionEvaluationResult evaluateExecutionCondition(
                org.junit.jupiter.api.extension.ExtensionContext context) {
            if (context.getTestMethod().isEmpty() && !org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                org.slf4j.LoggerFactory.getLogger(K3sEndToEndTest.class).warn(
                        "K3sEndToEndTest SKIPPED: no Docker engine here; run `mvn -B verify` on a machine with Docker");
            }
            return org.junit.jupiter.api.extension.ConditionEvaluationResult.enabled("decided by @Testcontainers");
        }
    }

    private static final String HOST = "k3s.example.com";

    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.28.8-k3s1"));

    private static KubernetesClient admin;
    private static KubernetesClient linnetClient;
    private static Backends backends;
    private static ClusterServer linnet;

    @BeforeAll
    static void setUp() throws Exception {
        Config adminConfig = Config.fromKubeconfig(K3S.getKubeConfigYaml());
        adminConfig.setClientKeyAlgo("EC"); // K3s issues ECDSA client keys
        admin = new KubernetesClientBuilder().withConfig(adminConfig).build();

        // The service account Linnet runs as, bound to a ClusterRole built from ClusterRbac.RULES.
        List<PolicyRule> rules = ClusterRbac.RULES.stream().map(r -> new PolicyRuleBuilder()
                .withApiGroups(r.group()).withResources(r.resource()).withVerbs(r.verbs()).build()).toList();
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("linnet").endMetadata()
                .withRules(rules).build()).create();
        admin.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("linnet").withNamespace(NS).endMetadata().build()).create();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder()
                .withNewMetadata().withName("linnet").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("linnet")
                .endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("linnet").withNamespace(NS).endSubject()
                .build()).create();
        String token = admin.serviceAccounts().inNamespace(NS).withName("linnet")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        linnetClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(adminConfig)
                .withClientCertData(null).withClientKeyData(null).withClientCertFile(null).withClientKeyFile(null)
                .withUsername(null).withPassword(null)
                .withOauthToken(token).build()).build();

        backends = new Backends();
        int stable = backends.start("stable");
        int canary = backends.start("canary");
        admin.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata().withName("linnet")
                .endMetadata().withNewSpec().withController("linnet.dev/ingress-controller").endSpec().build()).create();
        admin.services().resource(K8s.service("stable")).create();
        admin.services().resource(K8s.service("canary")).create();
        admin.discovery().v1().endpointSlices().resource(K8s.slice("stable-a", "stable", stable, false)).create();
        admin.discovery().v1().endpointSlices().resource(K8s.slice("canary-a", "canary", canary, false)).create();
        admin.network().v1().ingresses().resource(K8s.ingress("app", "linnet", HOST, "stable", Map.of())).create();
        admin.network().v1().ingresses().resource(K8s.ingress("app-canary", "linnet", HOST, "canary",
                Map.of(PREFIX + "canary", "true", PREFIX + "canary-weight", "100"))).create();

        linnet = ClusterServer.start(Controllers.config("linnet-k3s", List.of("203.0.113.10"), false), linnetClient);
    }

    @AfterAll
    static void tearDown() {
        if (linnet != null) {
            linnet.close();
        }
        if (backends != null) {
            backends.close();
        }
        if (linnetClient != null) {
            linnetClient.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void canaryWeightFollowsAndStatusIsPublished() {
        Traffic probe = new Traffic(linnet.httpPort(), HOST);
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.get().equals("canary"));

        admin.network().v1().ingresses().inNamespace(NS).withName("app-canary").edit(i -> {
            i.getMetadata().getAnnotations().put(PREFIX + "canary-weight", "0");
            return i;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.get().equals("stable"));
        assertThat(IntStream.range(0, 20).mapToObj(i -> probe.get())).containsOnly("stable");

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var status = admin.network().v1().ingresses().inNamespace(NS).withName("app").get().getStatus();
            return status != null && status.getLoadBalancer() != null && status.getLoadBalancer().getIngress() != null
                    && status.getLoadBalancer().getIngress().stream().anyMatch(i -> "203.0.113.10".equals(i.getIp()));
        });
    }
}
