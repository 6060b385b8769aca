package dev.linnet.controller.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import dev.linnet.controller.cli.Main;
import dev.linnet.controller.source.ClusterRbac;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * charts/linnet (issue 6), linted and rendered with Helm's own code (helm-java), the objects read
 * with fabric8, and checked against the code they must agree with: the flags against the real
 * picocli command, the RBAC against {@link ClusterRbac#RULES}, the probes against the admin paths.
 */
class ChartTest {

    private static final String FULLNAME = Chart.RELEASE; // release "linnet" of chart "linnet"

    private static Rendered defaults;
    private static Rendered migration;
    private static Rendered allOn;

    @BeforeAll
    static void render() {
        defaults = Chart.template();
        migration = Chart.template(Chart.MIGRATION_VALUES);
        allOn = Chart.template(Chart.ALL_ON_VALUES);
    }

    @Test
    void lintPassesStrict() {
        LintResult lint = Chart.lint(Chart.DIR);
        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultsRenderTheCoreObjectsAndNoOptionalOnes() {
        assertThat(defaults.kindsAndNames()).containsExactlyInAnyOrder(
                "Deployment/linnet", "Service/linnet", "Service/linnet-metrics", "ServiceAccount/linnet",
                "ClusterRole/linnet", "ClusterRoleBinding/linnet", "Role/linnet", "RoleBinding/linnet",
                "IngressClass/linnet", "PodDisruptionBudget/linnet", "ConfigMap/linnet");
    }

    @Test
    void allOnRendersEveryOptionalPartThatNeedsNoExtraApi() {
        assertThat(allOn.kindsAndNames()).contains("HorizontalPodAutoscaler/linnet", "IngressClass/linnet-test",
                "PodDisruptionBudget/linnet", "ServiceAccount/linnet-sa");
        // helm template knows no monitoring.coreos.com/v1: enabled or not, no ServiceMonitor.
        assertThat(allOn.ofKind("ServiceMonitor")).isEmpty();
    }

    // --- Deployment

    @Test
    void deploymentDefaults() {
        Deployment deployment = defaults.get(Deployment.class, FULLNAME);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(pod.getTerminationGracePeriodSeconds()).as("shutdown delay 5 + grace 30 + 10").isEqualTo(45L);
        assertThat(pod.getServiceAccountName()).isEqualTo(FULLNAME);
        // Preferred, not required: a one-node cluster still runs both replicas.
        var antiAffinity = pod.getAffinity().getPodAntiAffinity();
        assertThat(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution()).isNullOrEmpty();
        assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement().satisfies(term -> {
            assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(term.getPodAffinityTerm().getLabelSelector().getMatchLabels());
        });
        Container container = container(defaults);
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(env(container, "JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=50.0");
    }

    @Test
    void podNameAndNamespaceComeFromTheDownwardApi() {
        Container container = container(defaults);
        assertThat(env(container, "POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(env(container, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
    }

    @Test
    void probesHitTheAdminPathsOnTheAdminPort() {
        for (Rendered rendered : List.of(defaults, allOn)) {
            Container container = container(rendered);
            int adminPort = Integer.parseInt(serveFlag(rendered, "--admin-port"));
            assertProbe(container, container.getReadinessProbe(), "/readyz", adminPort);
            assertProbe(container, container.getLivenessProbe(), "/healthz", adminPort);
        }
        // The default admin port is the one `serve` itself defaults to.
        assertThat(serveFlag(defaults, "--admin-port")).isEqualTo(serveDefault("--admin-port")).isEqualTo("10254");
        assertThat(serveFlag(allOn, "--admin-port")).isEqualTo("11254");
    }

    @Test
    void securityContextIsNonRootUnprivilegedReadOnly() {
        for (Rendered rendered : List.of(defaults, migration, allOn)) {
            PodSpec pod = rendered.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            var security = container(rendered).getSecurityContext();
            assertThat(security.getRunAsNonRoot()).isTrue();
            assertThat(security.getRunAsUser()).isPositive();
            assertThat(security.getAllowPrivilegeEscalation()).isFalse();
            assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(security.getReadOnlyRootFilesystem()).isTrue();
            assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
            // ... and the one writable place the JVM and Netty need is an emptyDir.
            var tmp = container(rendered).getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals("/tmp")).findFirst().orElseThrow();
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(tmp.getName());
                assertThat(v.getEmptyDir()).isNotNull();
            });
        }
    }

    /** Request bodies past their memory buffer go to an emptyDir of their own, sized above the budget. */
    @Test
    void clientBodyTemporaryFilesHaveTheirOwnEmptyDirAndBudget() {
        ParseResult serve = parseServe(defaults);
        assertThat(flag(serve, "--client-body-temp-path")).isEqualTo("/var/cache/linnet/client-body");
        assertThat(flag(serve, "--client-body-temp-max-size")).isEqualTo("256m");
        var mount = container(defaults).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/var/cache/linnet")).findFirst().orElseThrow();
        PodSpec pod = defaults.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(mount.getName());
            assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("288Mi");
        });
    }

    // --- Flags

    @Test
    void defaultArgsAreServeFlagsWithTheChartsValues() {
        ParseResult serve = parseServe(defaults);
        assertThat(flag(serve, "--http-port")).isEqualTo("8080");
        assertThat(flag(serve, "--https-port")).isEqualTo("8443");
        assertThat(serve.hasMatchedOption("--http-redirect-code")).as("left to the ConfigMap").isFalse();
        assertThat(serve.hasMatchedOption("--default-ssl-certificate")).as("self-signed default").isFalse();
        assertThat(serve.hasMatchedOption("--default-backend-service")).as("built-in default backend").isFalse();
        assertThat(flag(serve, "--ingress-class")).isEqualTo("linnet");
        assertThat(flag(serve, "--controller-class")).isEqualTo("linnet.dev/ingress-controller");
        assertThat(flag(serve, "--election-id")).isEqualTo("linnet-leader");
        assertThat(flag(serve, "--publish-service")).isEqualTo(Chart.NAMESPACE + "/" + FULLNAME);
        assertThat(serve.hasMatchedOption("--watch-namespace")).isFalse();
        assertThat(serve.hasMatchedOption("--watch-ingress-without-class")).isFalse();
        assertThat(serve.hasMatchedOption("--manifests")).as("cluster mode").isFalse();
        assertThat(serve.matchedOption("--metrics-per-host").<Boolean>getValue()).isTrue();
        assertThat(serve.matchedOption("--report-status-classes").<Boolean>getValue()).isFalse();
        assertThat(serve.hasMatchedOption("--time-buckets")).as("ingress-nginx's buckets").isFalse();
        assertThat(serve.hasMatchedOption("--legacy-latency-metric")).isFalse();
        // The published Service is the chart's own.
        assertThat(defaults.find(Service.class, FULLNAME)).isPresent();
    }

    @Test
    void migrationValuesTakeOverTheNginxClassWithoutPublishingStatus() {
        ParseResult serve = parseServe(migration);
        assertThat(flag(serve, "--ingress-class")).isEqualTo("nginx");
        assertThat(flag(serve, "--controller-class")).isEqualTo("k8s.io/ingress-nginx");
        assertThat(flag(serve, "--annotations-prefix")).isEqualTo("nginx.ingress.kubernetes.io");
        // Side by side, ingress-nginx alone writes Ingress status (README, "Migrating from ingress-nginx").
        assertThat(serve.hasMatchedOption("--publish-service")).isFalse();
        assertThat(serve.hasMatchedOption("--publish-status-address")).isFalse();
        // ingress-nginx's chart owns the nginx IngressClass.
        assertThat(migration.all(IngressClass.class)).isEmpty();
    }

    @Test
    void allOnValuesReachTheirFlags() {
        ParseResult serve = parseServe(allOn);
        assertThat(flag(serve, "--http-port")).isEqualTo("9080");
        assertThat(flag(serve, "--https-port")).isEqualTo("9443");
        assertThat(flag(serve, "--http-redirect-code")).isEqualTo("301");
        assertThat(flag(serve, "--default-ssl-certificate")).isEqualTo("edge/wildcard-tls");
        assertThat(flag(serve, "--default-backend-service")).isEqualTo("team-a/error-pages");
        assertThat(flag(serve, "--admin-port")).isEqualTo("11254");
        assertThat(flag(serve, "--ingress-class")).isEqualTo("linnet-test");
        assertThat(flag(serve, "--election-id")).isEqualTo("linnet-leader-test");
        assertThat(serve.matchedOption("--watch-namespace").<List<String>>getValue()).containsExactly("team-a", "team-b");
        assertThat(serve.matchedOption("--watch-ingress-without-class").<Boolean>getValue()).isTrue();
        assertThat(flag(serve, "--publish-service")).isEqualTo("edge/public-lb");
        assertThat(serve.matchedOption("--update-status-on-shutdown").<Boolean>getValue()).isTrue();
        assertThat(flag(serve, "--connect-timeout")).isEqualTo("3");
        assertThat(flag(serve, "--read-timeout")).isEqualTo("120");
        assertThat(flag(serve, "--max-body-size")).isEqualTo("10485760");
        assertThat(flag(serve, "--client-body-temp-max-size")).isEqualTo("1073741824");
        assertThat(flag(serve, "--bind-address")).isEqualTo("0.0.0.0");
        assertThat(serve.matchedOption("--metrics-per-host").<Boolean>getValue()).isFalse();
        assertThat(serve.matchedOption("--report-status-classes").<Boolean>getValue()).isTrue();
        assertThat(serve.matchedOption("--exclude-socket-metrics").<List<String>>getValue())
                .containsExactly("nginx_ingress_controller_bytes_sent", "nginx_ingress_controller_request_size");
        assertThat(serve.matchedOption("--time-buckets").<List<Double>>getValue()).containsExactly(0.01, 0.1, 1.0, 10.0);
        assertThat(serve.matchedOption("--length-buckets").<List<Double>>getValue()).containsExactly(100.0, 1000.0);
        assertThat(serve.matchedOption("--size-buckets").<List<Double>>getValue()).containsExactly(1000.0, 1000000.0);
        assertThat(serve.matchedOption("--legacy-latency-metric").<Boolean>getValue()).isTrue();
        Container container = container(allOn);
        assertThat(env(container, "JAVA_TOOL_OPTIONS").getValue()).isEqualTo(
                "-XX:MaxRAMPercentage=60.0 -XX:+ExitOnOutOfMemoryError -Xss512k");
        assertThat(env(container, "LINNET_LOG_LEVEL").getValue()).isEqualTo("DEBUG");
        assertThat(container.getImage()).isEqualTo("registry.example.com/linnet:0.1.0-test");
    }

    @Test
    void controllerConfigIsRenderedQuotedIntoTheConfigMapServeReads() {
        Rendered rendered = Chart.template(Chart.DIR, Map.of("controller.config.use-forwarded-headers", true,
                "controller.config.hsts-max-age", 86400, "controller.config.log-format-escape-json", "true"));
        ConfigMap config = rendered.get(ConfigMap.class, FULLNAME);
        assertThat(config.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("use-forwarded-headers", "true",
                "hsts-max-age", "86400", "log-format-escape-json", "true"));
        assertThat(flag(parseServe(rendered), "--configmap")).isEqualTo(Chart.NAMESPACE + "/" + FULLNAME);
        assertThat(defaults.get(ConfigMap.class, FULLNAME).getData()).as("always there, empty by default")
                .isNullOrEmpty();
    }

    @Test
    void publishStatusAddressesWinOverThePublishService() {
        ParseResult serve = parseServe(Chart.template(Chart.DIR,
                Map.of("controller.publishStatusAddresses[0]", "203.0.113.7",
                        "controller.publishStatusAddresses[1]", "lb.example.com")));
        assertThat(serve.matchedOption("--publish-status-address").<List<String>>getValue())
                .containsExactly("203.0.113.7", "lb.example.com");
        assertThat(serve.hasMatchedOption("--publish-service")).isFalse();
    }

    @Test
    void aFlagServeDoesNotKnowFailsTheParse() {
        // The check above can fail: an extra arg `serve` lacks is refused by the real command.
        Rendered rendered = Chart.template(Chart.DIR, Map.of("controller.extraArgs[0]", "--no-such-flag=1"));
        assertThatThrownBy(() -> parseServe(rendered)).isInstanceOf(CommandLine.UnmatchedArgumentException.class)
                .hasMessageContaining("--no-such-flag");
    }

    @Test
    void limitAndShutdownValuesReachTheirFlagsWithServesDefaults() {
        ParseResult serve = parseServe(defaults);
        for (String name : List.of("--max-headers", "--max-connections", "--shutdown-delay", "--shutdown-grace")) {
            assertThat(flag(serve, name)).as("chart default of %s", name).isEqualTo(serveDefault(name));
        }
        // Flags that mirror a ConfigMap key are not passed by default: an explicit flag would win
        // over controller.config (README, "The ConfigMap").
        for (String name : List.of("--max-request-line", "--max-header-size", "--keep-alive", "--keep-alive-requests",
                "--client-header-timeout", "--client-body-timeout", "--connect-timeout", "--read-timeout",
                "--max-body-size", "--http-redirect-code")) {
            assertThat(serve.hasMatchedOption(name)).as("%s left to the ConfigMap", name).isFalse();
        }
        ParseResult all = parseServe(allOn);
        assertThat(flag(all, "--max-request-line")).isEqualTo("4096");
        assertThat(flag(all, "--max-header-size")).isEqualTo("16384");
        assertThat(flag(all, "--max-headers")).isEqualTo("64");
        assertThat(flag(all, "--keep-alive")).isEqualTo("30");
        assertThat(flag(all, "--keep-alive-requests")).isEqualTo("500");
        assertThat(flag(all, "--client-header-timeout")).isEqualTo("20");
        assertThat(flag(all, "--client-body-timeout")).isEqualTo("25");
        assertThat(flag(all, "--max-connections")).isEqualTo("20000");
        assertThat(flag(all, "--shutdown-delay")).isEqualTo("10");
        assertThat(flag(all, "--shutdown-grace")).isEqualTo("60");
        assertThat(allOn.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds()).as("10 + 60 + 10").isEqualTo(80L);
    }

    @Test
    void terminationGracePeriodMustCoverTheDrain() {
        Rendered explicit = Chart.template(Chart.DIR, Map.of("terminationGracePeriodSeconds", 120));
        assertThat(explicit.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds()).isEqualTo(120L);
        assertThatThrownBy(() -> Chart.template(Chart.DIR, Map.of("terminationGracePeriodSeconds", 20)))
                .hasMessageContaining("terminationGracePeriodSeconds: 20 (expected: >= "
                        + "controller.shutdown.delaySeconds + graceSeconds = 35)");
    }

    // --- RBAC

    @Test
    void rbacIsExactlyClusterRbacRulesWithTheLeaseAsANamespacedRole() {
        for (Rendered rendered : List.of(defaults, migration, allOn)) {
            ClusterRole clusterRole = rendered.get(ClusterRole.class, FULLNAME);
            Role role = rendered.get(Role.class, FULLNAME);
            // The Lease rule is a Role in the release namespace: the only Lease Linnet touches is its
            // --election-id Lease in the pod's namespace; every other rule is cluster-wide.
            List<Rule> expectedCluster = ClusterRbac.RULES.stream().filter(r -> r != ClusterRbac.LEASES).map(Rule::of).toList();
            assertThat(clusterRole.getRules()).map(Rule::of).containsExactlyInAnyOrderElementsOf(expectedCluster);
            assertThat(role.getRules()).map(Rule::of).containsExactly(Rule.of(ClusterRbac.LEASES));
            assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
            // No more, no less: together they are RULES.
            assertThat(Stream.concat(clusterRole.getRules().stream(), role.getRules().stream()).map(Rule::of).toList())
                    .containsExactlyInAnyOrderElementsOf(ClusterRbac.RULES.stream().map(Rule::of).toList());

            String serviceAccount = rendered.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec()
                    .getServiceAccountName();
            ClusterRoleBinding clusterBinding = rendered.get(ClusterRoleBinding.class, FULLNAME);
            assertThat(clusterBinding.getRoleRef().getKind()).isEqualTo("ClusterRole");
            assertThat(clusterBinding.getRoleRef().getName()).isEqualTo(clusterRole.getMetadata().getName());
            assertThat(clusterBinding.getSubjects()).singleElement().satisfies(s -> {
                assertThat(s.getName()).isEqualTo(serviceAccount);
                assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
            });
            RoleBinding binding = rendered.get(RoleBinding.class, FULLNAME);
            assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
            assertThat(binding.getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo(serviceAccount));
        }
    }

    /** One rule as ClusterRbac declares it: one group, one resource, its verbs (order irrelevant). */
    record Rule(String group, String resource, Set<String> verbs) {

        static Rule of(ClusterRbac.Rule rule) {
            return new Rule(rule.group(), rule.resource(), Set.copyOf(rule.verbs()));
        }

        static Rule of(PolicyRule rule) {
            assertThat(rule.getApiGroups()).as("apiGroups of %s", rule).hasSize(1);
            assertThat(rule.getResources()).as("resources of %s", rule).hasSize(1);
            assertThat(rule.getResourceNames()).as("resourceNames of %s", rule).isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).as("nonResourceURLs of %s", rule).isNullOrEmpty();
            assertThat(rule.getVerbs()).as("verbs of %s", rule).doesNotHaveDuplicates().doesNotContain("*");
            return new Rule(rule.getApiGroups().get(0), rule.getResources().get(0), Set.copyOf(rule.getVerbs()));
        }
    }

    // --- Services

    @Test
    void serviceIsALoadBalancerOnPorts80And443ToTheHttpAndHttpsListeners() {
        Service service = defaults.get(Service.class, FULLNAME);
        assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(service.getSpec().getPorts()).hasSize(2);
        assertThat(service.getSpec().getPorts().get(0)).satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(80);
            assertThat(port.getNodePort()).isNull();
            assertThat(containerPort(defaults, port.getTargetPort())).isEqualTo(8080)
                    .hasToString(serveFlag(defaults, "--http-port"));
        });
        assertThat(service.getSpec().getPorts().get(1)).satisfies(port -> {
            assertThat(port.getName()).isEqualTo("https");
            assertThat(port.getPort()).isEqualTo(443);
            assertThat(port.getNodePort()).isNull();
            assertThat(containerPort(defaults, port.getTargetPort())).isEqualTo(8443)
                    .hasToString(serveFlag(defaults, "--https-port"));
        });
        assertSelectsThePods(defaults, service);
    }

    @Test
    void nodePortIsSettable() {
        Service service = allOn.get(Service.class, FULLNAME);
        assertThat(service.getSpec().getType()).isEqualTo("NodePort");
        assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        ServicePort port = service.getSpec().getPorts().get(0);
        assertThat(port.getPort()).isEqualTo(8000);
        assertThat(port.getNodePort()).isEqualTo(30080);
        assertThat(containerPort(allOn, port.getTargetPort())).hasToString(serveFlag(allOn, "--http-port"));
        ServicePort https = service.getSpec().getPorts().get(1);
        assertThat(https.getPort()).isEqualTo(8443);
        assertThat(https.getNodePort()).isEqualTo(30443);
        assertThat(containerPort(allOn, https.getTargetPort())).hasToString(serveFlag(allOn, "--https-port"));
    }

    @Test
    void metricsServiceExposesTheAdminPort() {
        for (Rendered rendered : List.of(defaults, allOn)) {
            Service metrics = rendered.get(Service.class, FULLNAME + "-metrics");
            assertThat(metrics.getSpec().getType()).isEqualTo("ClusterIP");
            assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getName()).isEqualTo("metrics");
                assertThat(containerPort(rendered, port.getTargetPort())).hasToString(serveFlag(rendered, "--admin-port"));
            });
            assertSelectsThePods(rendered, metrics);
        }
        assertThat(defaults.get(Service.class, FULLNAME + "-metrics").getSpec().getPorts().get(0).getPort()).isEqualTo(10254);
    }

    // --- IngressClass, PDB, HPA

    @Test
    void ingressClassFollowsItsValues() {
        IngressClass linnet = defaults.get(IngressClass.class, "linnet");
        assertThat(linnet.getSpec().getController()).isEqualTo(serveFlag(defaults, "--controller-class"));
        assertThat(linnet.getMetadata().getAnnotations()).isNullOrEmpty();

        IngressClass byDefault = allOn.get(IngressClass.class, "linnet-test");
        assertThat(byDefault.getMetadata().getAnnotations()).containsEntry("ingressclass.kubernetes.io/is-default-class", "true");
        assertThat(byDefault.getMetadata().getName()).isEqualTo(serveFlag(allOn, "--ingress-class"));

        assertThat(Chart.template(Chart.DIR, Map.of("ingressClass.create", false)).all(IngressClass.class)).isEmpty();
    }

    @Test
    void podDisruptionBudgetOnlyWithMoreThanOneReplica() {
        PodDisruptionBudget pdb = defaults.get(PodDisruptionBudget.class, FULLNAME);
        assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(defaults.get(Deployment.class, FULLNAME).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        // With one replica, minAvailable 1 would block every node drain.
        assertThat(Chart.template(Chart.DIR, Map.of("replicaCount", 1)).all(PodDisruptionBudget.class)).isEmpty();
    }

    @Test
    void autoscalerReplacesTheReplicaCount() {
        HorizontalPodAutoscaler hpa = allOn.get(HorizontalPodAutoscaler.class, FULLNAME);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(FULLNAME);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
        assertThat(hpa.getSpec().getMetrics()).extracting(m -> m.getResource().getName()).containsExactly("cpu", "memory");
        assertThat(allOn.get(Deployment.class, FULLNAME).getSpec().getReplicas()).isNull();
        assertThat(defaults.all(HorizontalPodAutoscaler.class)).isEmpty();
    }

    // --- ServiceMonitor: only when enabled AND the cluster serves monitoring.coreos.com/v1

    @Test
    void serviceMonitorWhenEnabledAndThePrometheusOperatorApiExists() throws Exception {
        try (FakeApiServer cluster = FakeApiServer.start(true)) {
            Chart.Installed installed = Chart.install(cluster, Chart.ALL_ON_VALUES);
            assertThat(installed.status()).isEqualTo("deployed");
            List<HasMetadata> monitors = installed.objects().ofKind("ServiceMonitor");
            assertThat(monitors).singleElement().isInstanceOfSatisfying(GenericKubernetesResource.class, monitor -> {
                assertThat(monitor.getApiVersion()).isEqualTo(FakeApiServer.MONITORING);
                assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
                Map<String, Object> endpoint = monitor.<List<Map<String, Object>>>get("spec", "endpoints").get(0);
                assertThat(endpoint).containsEntry("port", "metrics").containsEntry("path", "/metrics");
                // It selects the metrics Service, and only that one.
                Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
                Rendered objects = installed.objects();
                assertThat(objects.all(Service.class)).filteredOn(s -> s.getMetadata().getLabels().entrySet()
                        .containsAll(selector.entrySet())).extracting(s -> s.getMetadata().getName())
                        .containsExactly(FULLNAME + "-metrics");
            });
            // The same rendering as helm template otherwise, NOTES included.
            assertThat(installed.objects().kindsAndNames()).containsAll(allOn.kindsAndNames());
            assertThat(installed.output()).contains("curl -H \"Host: hello.example.com\"")
                    // the migration report, with this release's class and ConfigMap (issue 20)
                    .contains("java -jar /app/linnet.jar check --ingress-class=")
                    .contains("--configmap=" + installed.objects().all(Deployment.class).get(0).getMetadata()
                            .getNamespace() + "/" + FULLNAME);
        }
    }

    @Test
    void noServiceMonitorWithoutThePrometheusOperatorApi() throws Exception {
        try (FakeApiServer cluster = FakeApiServer.start(false)) {
            Chart.Installed installed = Chart.install(cluster, Chart.ALL_ON_VALUES);
            assertThat(installed.status()).isEqualTo("deployed");
            assertThat(installed.objects().ofKind("ServiceMonitor")).isEmpty();
            assertThat(installed.objects().all(Deployment.class)).hasSize(1);
            assertThat(installed.output()).contains("no ServiceMonitor was created");
        }
    }

    @Test
    void noServiceMonitorUnlessEnabled() throws Exception {
        try (FakeApiServer cluster = FakeApiServer.start(true)) {
            Chart.Installed installed = Chart.install(cluster);
            assertThat(installed.objects().ofKind("ServiceMonitor")).isEmpty();
            assertThat(installed.objects().all(Deployment.class)).hasSize(1);
        }
    }

    // --- Dashboards: whatever dashboards/*.json the chart carries

    @Test
    void dashboardConfigMapCarriesEveryDashboardFile(@TempDir Path tmp) throws Exception {
        Path chart = Chart.copyTo(tmp.resolve("linnet"));
        Files.createDirectories(chart.resolve("dashboards"));
        String json = "{\"title\": \"Linnet test\", \"panels\": []}\n";
        Files.writeString(chart.resolve("dashboards/test.json"), json);

        ConfigMap dashboards = Chart.template(chart, Map.of("dashboard.enabled", true))
                .get(ConfigMap.class, FULLNAME + "-dashboards");
        assertThat(dashboards.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(dashboards.getData()).containsKey("test.json");
        assertThat(dashboards.getData().get("test.json").strip()).isEqualTo(json.strip());

        assertThat(Chart.template(chart, Map.of()).find(ConfigMap.class, FULLNAME + "-dashboards"))
                .as("disabled by default").isEmpty();
    }

    @Test
    void noDashboardConfigMapWithoutDashboardFiles(@TempDir Path tmp) throws Exception {
        Path chart = Chart.copyTo(tmp.resolve("linnet"));
        try (Stream<Path> files = Files.exists(chart.resolve("dashboards")) ? Files.list(chart.resolve("dashboards")) : Stream.empty()) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        assertThat(Chart.template(chart, Map.of("dashboard.enabled", true)).find(ConfigMap.class, FULLNAME + "-dashboards"))
                .isEmpty();
    }

    // --- Schema

    @Test
    void schemaRejectsAWrongType() {
        assertThatThrownBy(() -> Chart.template(Chart.DIR, Map.of("replicaCount", "two")))
                .hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> Chart.template(Chart.DIR, Map.of("service.type", "Ingress")))
                .hasMessageContaining("service.type");
        assertThatThrownBy(() -> Chart.template(Chart.DIR, Map.of("replicaCuont", 3)))
                .as("a typo'd top-level key").hasMessageContaining("replicaCuont");
    }

    // --- helpers

    private static Container container(Rendered rendered) {
        List<Container> containers = rendered.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getEnv()));
    }

    /** The container's args parsed by the real command; an unknown flag throws. */
    private static ParseResult parseServe(Rendered rendered) {
        Container container = container(rendered);
        assertThat(container.getCommand()).as("the image's ENTRYPOINT runs the jar").isNullOrEmpty();
        ParseResult root = Main.commandLine().parseArgs(container.getArgs().toArray(String[]::new));
        assertThat(root.subcommand()).as("a subcommand").isNotNull();
        assertThat(root.subcommand().commandSpec().name()).isEqualTo("serve");
        return root.subcommand();
    }

    private static String flag(ParseResult serve, String name) {
        assertThat(serve.hasMatchedOption(name)).as("%s is passed", name).isTrue();
        return serve.matchedOption(name).getValue().toString();
    }

    private static String serveFlag(Rendered rendered, String name) {
        return flag(parseServe(rendered), name);
    }

    private static String serveDefault(String name) {
        return Main.commandLine().getSubcommands().get("serve").getCommandSpec().findOption(name).defaultValue();
    }

    private static void assertProbe(Container container, Probe probe, String path, int adminPort) {
        assertThat(probe).as("%s probe", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(containerPort(container, probe.getHttpGet().getPort())).isEqualTo(adminPort);
    }

    private static Integer containerPort(Rendered rendered, IntOrString port) {
        return containerPort(container(rendered), port);
    }

    /** A port by number or by the name of a container port, as Kubernetes resolves it. */
    private static Integer containerPort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    private static void assertSelectsThePods(Rendered rendered, Service service) {
        Map<String, String> podLabels = rendered.get(Deployment.class, FULLNAME).getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels.entrySet()).containsAll(service.getSpec().getSelector().entrySet());
    }
}
