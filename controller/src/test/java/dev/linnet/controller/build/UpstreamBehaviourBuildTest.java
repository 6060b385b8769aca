package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.Endpoint;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Upstream behaviour through the builder (annotations-spec.md §6, catalogue §9.6):
 * {@code service-upstream} (U6–U8) and {@code proxy-request-buffering}, by annotation and as the
 * ConfigMap's default.
 */
class UpstreamBehaviourBuildTest {

    private static final String P = Fixtures.PREFIX + "/";
    private static final Endpoint CLUSTER_IP = new Endpoint("10.96.0.10", 80);
    private static final Endpoint POD = new Endpoint("10.0.0.1", Fixtures.TARGET_PORT);

    /** Service ns/app with a ClusterIP (or {@code None}: headless) and one ready pod. */
    private static List<Object> app(String clusterIp) {
        List<Object> objects = svc("ns/app", "10.0.0.1");
        ((Service) objects.get(0)).getSpec().setClusterIP(clusterIp);
        return objects;
    }

    private static BuildResult build(Map<String, String> configMap, Object... objects) {
        List<Object> all = new ArrayList<>(List.of(objects));
        all.add(app("10.96.0.10"));
        all.add(svc("ns/canary", "10.0.1.1"));
        BuildOptions options = BuildOptions.serveAll();
        if (configMap != null) {
            ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress").withName("linnet")
                    .endMetadata().withData(configMap).build();
            all.add(cm);
            options = options.withConfigMap(new ConfigMapOptions("ingress/linnet", GatewayConfig.defaults(), Set.of()));
        }
        return RouteTableBuilder.build(state(all.toArray()), options);
    }

    private static List<Endpoint> endpoints(BuildResult r, String path) {
        return r.table().route("h", path).backend().endpoints();
    }

    @Test
    void u6_serviceUpstreamAnnotationMakesTheClusterIpTheOnlyEndpoint() {
        BuildResult r = build(null,
                ingress("ns/on").host("h").path("/on").backend("app", 80).annotation(P + "service-upstream", "true"),
                ingress("ns/off").host("h").path("/off").backend("app", 80));
        assertThat(endpoints(r, "/on")).containsExactly(CLUSTER_IP);
        assertThat(endpoints(r, "/off")).containsExactly(POD);
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void u7_u8_theConfigMapDefaultAndAnAnnotationThatSaysNo() {
        BuildResult r = build(Map.of("service-upstream", "true"),
                ingress("ns/cm").host("h").path("/cm").backend("app", 80),
                ingress("ns/no").host("h").path("/no").backend("app", 80).annotation(P + "service-upstream", "false"),
                ingress("ns/typo").host("h").path("/typo").backend("app", 80).annotation(P + "service-upstream", "yes"));
        assertThat(endpoints(r, "/cm")).as("U7").containsExactly(CLUSTER_IP);
        assertThat(endpoints(r, "/no")).as("U8").containsExactly(POD);
        assertThat(endpoints(r, "/typo")).as("invalid: false, not the ConfigMap's true").containsExactly(POD);
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "annotation nginx.ingress.kubernetes.io/service-upstream: \"yes\" is invalid (expected: true or false);"
                        + " using false");
    }

    @Test
    void aCanaryIngresssOwnServiceUpstreamAppliesToTheCanaryBackend() {
        BuildResult r = build(null,
                ingress("ns/main").host("h").path("/").backend("app", 80),
                ingress("ns/canary").host("h").path("/").backend("app", 80).canary().canary("canary-weight", "10")
                        .annotation(P + "service-upstream", "true"));
        assertThat(r.table().route("h", "/").backend().endpoints()).containsExactly(POD);
        assertThat(r.table().route("h", "/").canary().backend().endpoints()).containsExactly(CLUSTER_IP);
        assertThat(r.warnings()).as("not among the canary's ignored annotations").isEmpty();
    }

    @Test
    void aHeadlessServiceKeepsItsPodsWithAWarning() {
        List<Object> headless = svc("ns/headless", "10.0.2.1");
        ((Service) headless.get(0)).getSpec().setClusterIP("None");
        BuildResult r = build(null, headless,
                ingress("ns/h").host("h").path("/").backend("headless", 80).annotation(P + "service-upstream", "true"));
        assertThat(endpoints(r, "/")).containsExactly(new Endpoint("10.0.2.1", Fixtures.TARGET_PORT));
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "Service ns/headless has no ClusterIP for port 80 (service-upstream); its pod endpoints are used");
    }

    @Test
    void endpointChurnKeepsTheClusterIpAndEqualsAFullBuild() {
        BuildOptions options = BuildOptions.serveAll();
        Object on = ingress("ns/on").host("h").path("/").backend("app", 80).annotation(P + "service-upstream", "true");
        IncrementalBuilder builder = IncrementalBuilder.of(options);
        builder.apply(state(on, app("10.96.0.10")));
        List<Object> scaledApp = svc("ns/app", "10.0.0.1", "10.0.0.2");
        ((Service) scaledApp.get(0)).getSpec().setClusterIP("10.96.0.10");
        ClusterState scaled = state(on, scaledApp);
        BuildResult incremental = builder.apply(scaled);
        assertThat(builder.endpointOnlyBuilds()).isEqualTo(1);
        assertThat(incremental).isEqualTo(RouteTableBuilder.build(scaled, options));
        assertThat(incremental.table().route("h", "/").backend().endpoints()).containsExactly(CLUSTER_IP);
    }

    /** One Service behind two Ingresses, one with service-upstream: each keeps its own endpoints through churn. */
    @Test
    void endpointChurnKeepsEachRoutesOwnKindOfEndpointsForOneService() {
        BuildOptions options = BuildOptions.serveAll();
        Object on = ingress("ns/on").host("h").path("/on").backend("app", 80).annotation(P + "service-upstream", "true");
        Object off = ingress("ns/off").host("h").path("/off").backend("app", 80);
        IncrementalBuilder builder = IncrementalBuilder.of(options);
        builder.apply(state(on, off, app("10.96.0.10")));
        List<Object> scaledApp = svc("ns/app", "10.0.0.1", "10.0.0.2");
        ((Service) scaledApp.get(0)).getSpec().setClusterIP("10.96.0.10");
        ClusterState scaled = state(on, off, scaledApp);
        BuildResult incremental = builder.apply(scaled);
        assertThat(builder.endpointOnlyBuilds()).isEqualTo(1);
        assertThat(endpoints(incremental, "/on")).containsExactly(CLUSTER_IP);
        assertThat(endpoints(incremental, "/off")).containsExactly(POD, new Endpoint("10.0.0.2", Fixtures.TARGET_PORT));
        assertThat(incremental).isEqualTo(RouteTableBuilder.build(scaled, options));
    }

    @Test
    void requestBufferingByAnnotationAndAsTheConfigMapsDefault() {
        BuildResult builtIn = build(null, ingress("ns/a").host("h").path("/a").backend("app", 80),
                ingress("ns/off").host("h").path("/off").backend("app", 80)
                        .annotation(P + "proxy-request-buffering", "off"));
        assertThat(builtIn.table().route("h", "/a").options().requestBuffering()).as("ingress-nginx: on").isTrue();
        assertThat(builtIn.table().route("h", "/off").options().requestBuffering()).isFalse();

        BuildResult cmOff = build(Map.of("proxy-request-buffering", "off"),
                ingress("ns/a").host("h").path("/a").backend("app", 80),
                ingress("ns/on").host("h").path("/on").backend("app", 80)
                        .annotation(P + "proxy-request-buffering", "on"),
                ingress("ns/typo").host("h").path("/typo").backend("app", 80)
                        .annotation(P + "proxy-request-buffering", "On"));
        assertThat(cmOff.table().route("h", "/a").options().requestBuffering()).isFalse();
        assertThat(cmOff.table().route("h", "/on").options().requestBuffering()).isTrue();
        assertThat(cmOff.table().route("h", "/typo").options().requestBuffering()).as("invalid: the ConfigMap's")
                .isFalse();
        assertThat(cmOff.warnings()).extracting(ConfigWarning::message).contains(
                "annotation nginx.ingress.kubernetes.io/proxy-request-buffering: \"On\" is invalid (expected: on or"
                        + " off); using off (the ConfigMap's default)");
    }
}
