package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.ExternalAuth;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The endpoints-only shortcut gives exactly what a full build gives, and is taken only then. */
class IncrementalBuilderTest {

    private static final BuildOptions OPTIONS = BuildOptions.serveAll();

    private static Object main() {
        return ingress("ns/main").host("a.com").path("/").backend("stable", 80);
    }

    private static Object canary(int weight) {
        return ingress("ns/canary").host("a.com").path("/").backend("canary", 80)
                .canary().canary("canary-weight", String.valueOf(weight));
    }

    @Test
    void endpointChurnReusesTheTableAndEqualsAFullBuild() {
        IncrementalBuilder builder = IncrementalBuilder.of(OPTIONS);
        builder.apply(state(main(), canary(10), svc("ns/stable", "10.0.0.1"), svc("ns/canary", "10.0.1.1")));

        ClusterState scaled = state(main(), canary(10), svc("ns/stable", "10.0.0.1", "10.0.0.2"), svc("ns/canary"));
        BuildResult incremental = builder.apply(scaled);

        assertThat(builder.endpointOnlyBuilds()).isEqualTo(1);
        assertThat(incremental).isEqualTo(RouteTableBuilder.build(scaled, OPTIONS));
        assertThat(incremental.table().route("a.com", "/").backend().endpoints()).hasSize(2);
        assertThat(incremental.table().route("a.com", "/").canary().backend().hasEndpoints()).isFalse();
    }

    @Test
    void endpointChurnKeepsTheCanarysAffinityBehaviourAndStickyAssignment() {
        Object legacySticky = ingress("ns/canary").host("a.com").path("/").backend("canary", 80).canary()
                .canary("canary-weight", "10").canary("affinity-canary-behavior", "legacy")
                .annotation("linnet.dev/canary-sticky-key", "cookie");
        IncrementalBuilder builder = IncrementalBuilder.of(OPTIONS);
        builder.apply(state(main(), legacySticky, svc("ns/stable", "10.0.0.1"), svc("ns/canary", "10.0.1.1")));
        ClusterState scaled = state(main(), legacySticky, svc("ns/stable", "10.0.0.2"), svc("ns/canary", "10.0.1.2"));

        BuildResult incremental = builder.apply(scaled);

        assertThat(builder.endpointOnlyBuilds()).isEqualTo(1);
        assertThat(incremental.table().route("a.com", "/").canary().legacyAffinity()).isTrue();
        assertThat(incremental.table().route("a.com", "/").canary().sticky()).isNotNull();
        assertThat(incremental).isEqualTo(RouteTableBuilder.build(scaled, OPTIONS));
    }

    @Test
    void endpointChurnKeepsEveryCanaryOfAMultiCanaryRule() {
        Object multiMain = ingress("ns/main").annotation("linnet.dev/multi-canary", "true")
                .annotation("linnet.dev/canary-sticky-key", "cookie").host("a.com").path("/").backend("stable", 80);
        Object second = ingress("ns/second").created("2024-01-02T00:00:00Z").host("a.com").path("/")
                .backend("second", 80).canary().canary("canary-weight", "20");
        IncrementalBuilder builder = IncrementalBuilder.of(OPTIONS);
        builder.apply(state(multiMain, canary(10), second, svc("ns/stable", "10.0.0.1"), svc("ns/canary", "10.0.1.1"),
                svc("ns/second", "10.0.2.1")));
        ClusterState scaled = state(multiMain, canary(10), second, svc("ns/stable", "10.0.0.1"),
                svc("ns/canary", "10.0.1.1"), svc("ns/second", "10.0.2.1", "10.0.2.2"));

        BuildResult incremental = builder.apply(scaled);

        assertThat(builder.endpointOnlyBuilds()).isEqualTo(1);
        var route = incremental.table().route("a.com", "/");
        assertThat(route.canaryCount()).isEqualTo(2);
        assertThat(route.canary(1).backend().endpoints()).hasSize(2);
        assertThat(route.stickyCanary().seed()).isEqualTo("ns/main");
        assertThat(incremental).isEqualTo(RouteTableBuilder.build(scaled, OPTIONS));
    }

    @Test
    void anIngressChangeTakesTheFullBuild() {
        IncrementalBuilder builder = IncrementalBuilder.of(OPTIONS);
        builder.apply(state(main(), canary(10), svc("ns/stable", "10.0.0.1"), svc("ns/canary", "10.0.1.1")));
        ClusterState edited = state(main(), canary(90), svc("ns/stable", "10.0.0.1"), svc("ns/canary", "10.0.1.1"));

        BuildResult result = builder.apply(edited);

        assertThat(builder.endpointOnlyBuilds()).isZero();
        assertThat(result.table().route("a.com", "/").canary().weight()).isEqualTo(90);
    }

    @Test
    void aServiceChangeTakesTheFullBuildAndItsWarnings() {
        IncrementalBuilder builder = IncrementalBuilder.of(OPTIONS);
        builder.apply(state(main(), svc("ns/stable", "10.0.0.1")));

        BuildResult withoutService = builder.apply(state(main()));

        assertThat(builder.endpointOnlyBuilds()).isZero();
        assertThat(withoutService.warnings()).isNotEmpty();
        assertThat(withoutService).isEqualTo(RouteTableBuilder.build(state(main()), OPTIONS));
    }

    @Test
    void aConfigMapChangeTakesTheFullBuild() {
        Object authed = ingress("ns/main").host("a.com").path("/").backend("stable", 80)
                .annotation("nginx.ingress.kubernetes.io/auth-url", "http://auth/check")
                .annotation("nginx.ingress.kubernetes.io/auth-proxy-set-headers", "ns/h");
        IncrementalBuilder builder = IncrementalBuilder.of(OPTIONS);
        builder.apply(state(authed, svc("ns/stable", "10.0.0.1"), headers("1")));

        BuildResult result = builder.apply(state(authed, svc("ns/stable", "10.0.0.1"), headers("2")));

        assertThat(builder.endpointOnlyBuilds()).isZero();
        assertThat(result.table().route("a.com", "/").policies().find(ExternalAuth.class).proxySetHeaders())
                .containsExactly(new ExternalAuth.SetHeader("X-A", AuthTemplate.compile("2")));
    }

    private static ConfigMap headers(String value) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("h").endMetadata()
                .addToData("X-A", value).build();
    }

    @Test
    void randomEndpointChurnAlwaysMatchesAFullBuild() {
        Random random = new Random(11);
        IncrementalBuilder builder = IncrementalBuilder.of(OPTIONS);
        for (int round = 0; round < 200; round++) {
            ClusterState s = state(main(), canary(10),
                    svc("ns/stable", addresses(random, "10.0.0.")), svc("ns/canary", addresses(random, "10.0.1.")));
            assertThat(builder.apply(s)).as("round %d", round).isEqualTo(RouteTableBuilder.build(s, OPTIONS));
        }
        assertThat(builder.endpointOnlyBuilds()).isEqualTo(199);
    }

    private static String[] addresses(Random random, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            if (random.nextBoolean()) {
                out.add(prefix + i);
            }
        }
        return out.toArray(String[]::new);
    }
}
