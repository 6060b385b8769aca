package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.endpoints;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.ingressClass;
import static dev.linnet.controller.build.Fixtures.objects;
import static dev.linnet.controller.build.Fixtures.slice;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** DESIGN.md: the same objects in any order give an equal table and equal warnings. */
class OrderIndependenceTest {

    private static final String CA_PEM = dev.linnet.gateway.testing.TestPki.ca("CN=Order CA").pem();

    /** A state that exercises every order-sensitive rule: duplicates, catch-alls, two canaries, warnings. */
    private static ClusterState richState() {
        return state(
                svc("ns/a", "10.0.0.2", "10.0.0.1"), svc("ns/b", "10.0.1.1"), svc("ns/c", "10.0.2.1"),
                slice("ns/a-2", "a").port("http", 8080).endpoint("10.0.0.3", true, null).endpoint("10.0.0.1", null, null),
                endpoints("ns/legacy", "http", 8080, List.of("10.0.9.2", "10.0.9.1"), List.of()),
                ingressClass("linnet", BuildOptions.DEFAULT_CONTROLLER_CLASS, true),
                ingressClass("nginx", "k8s.io/ingress-nginx", false),
                // no timestamps: order by name, descending
                ingress("ns/dup-1").host("h").path("/").backend("a", 80),
                ingress("ns/dup-2").host("h").path("/").backend("b", 80).path("/x", "Exact").backend("c", 80),
                ingress("ns/other-class").className("nginx").host("h").path("/n").backend("a", 80),
                ingress("ns/w").created("2024-01-01T00:00:00Z").host("*.w.com").path("/").backend("legacy", 80)
                        .defaultBackend("c", 80),
                ingress("ns/catch-1").created("2024-01-01T00:00:00Z").defaultBackend("a", 80),
                ingress("ns/catch-2").created("2024-01-01T00:00:00Z").defaultBackend("b", 80),
                ingress("ns/can-1").created("2024-01-03T00:00:00Z").canary().canary("canary-weight", "30")
                        .canary("canary-weight-total", "50").host("h").path("/").backend("c", 80).defaultBackend("c", 80),
                ingress("ns/can-2").created("2024-01-03T00:00:00Z").canary().canary("canary-by-header", "X")
                        .canary("canary-by-header-pattern", "[bad").host("h").path("/").backend("b", 80)
                        .host("*.w.com").path("/").backend("c", 80).host("nohost").path("/").backend("missing", 80),
                ingress("other/x").created("2023-12-31T23:00:00-02:00").canary("canary", "maybe")
                        .host("h").path("/").backend("gone", 80),
                // issue 5: proxy annotations, a regex host built from several Ingresses, an
                // uncompilable path there, snippets and a canary's ignored annotations
                ingress("ns/rx").created("2024-01-02T00:00:00Z").canary("rewrite-target", "/$1")
                        .canary("proxy-body-size", "8m").canary("enable-cors", "true")
                        .host("r").path("/api/(.*)").backend("a", 80),
                // issue 14: an Ingress with a snippet is not served (it would win /api/(.*) by age)
                ingress("ns/snip").created("2024-01-01T00:00:00Z").canary("server-snippet", "x")
                        .host("r").path("/api/(.*)").backend("c", 80).tls("s", "r"),
                ingress("ns/rx-2").created("2024-01-02T00:00:00Z").canary("proxy-read-timeout", "soon")
                        .host("r").path("/api").backend("b", 80).path("/bad(", "Exact").backend("c", 80),
                ingress("ns/can-3").created("2024-01-03T00:00:00Z").canary().canary("canary-weight", "5")
                        .canary("proxy-read-timeout", "1").host("r").path("/api").backend("c", 80),
                // issue 16: client certificates are per host, the oldest main Ingress's; any error 403s the host
                ClientCertBuildTest.caSecret("ns/ca", CA_PEM, null),
                ingress("ns/m-1").canary("auth-tls-secret", "ns/ca").canary("auth-tls-verify-client", "optional")
                        .host("m").path("/1").backend("a", 80),
                ingress("ns/m-2").canary("auth-tls-secret", "ns/ca").host("m").path("/2").backend("a", 80),
                ingress("ns/m-can").canary().canary("auth-tls-secret", "ns/ca").host("m").path("/1").backend("b", 80),
                ingress("ns/mb-1").canary("auth-tls-secret", "ns/ca").host("mb").path("/").backend("a", 80),
                ingress("ns/mb-2").canary("auth-tls-secret", "ca").host("mb").path("/x").backend("a", 80));
    }

    private static final List<BuildOptions> OPTIONS = List.of(BuildOptions.serveAll(),
            new BuildOptions(BuildOptions.DEFAULT_ANNOTATIONS_PREFIX, "linnet", BuildOptions.DEFAULT_CONTROLLER_CLASS,
                    false),
            BuildOptions.serveAll().withServeIngressesWithSnippets(true));

    @Test
    void manyShufflesGiveEqualResults() {
        ClusterState base = richState();
        for (BuildOptions options : OPTIONS) {
            BuildResult expected = RouteTableBuilder.build(base, options);
            assertThat(expected.warnings()).hasSizeGreaterThan(5); // the state really is order-sensitive
            Random random = new Random(20260325L);
            for (int i = 0; i < 300; i++) {
                List<Object> objects = new ArrayList<>(objects(base));
                Collections.shuffle(objects, random);
                BuildResult shuffled = RouteTableBuilder.build(state(objects.toArray()), options);
                assertThat(shuffled).as("shuffle %d", i).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyPermutationOfTheIngressesGivesAnEqualResult() {
        ClusterState base = richState();
        List<Object> ingresses = new ArrayList<>(base.ingresses().subList(0, 7)); // 7! = 5040
        List<Object> rest = new ArrayList<>(objects(base));
        rest.removeAll(base.ingresses());
        BuildResult expected = RouteTableBuilder.build(base, BuildOptions.serveAll());
        permute(ingresses, 0, perm -> {
            List<Object> all = new ArrayList<>(rest);
            all.addAll(perm);
            all.addAll(base.ingresses().subList(7, base.ingresses().size()));
            assertThat(RouteTableBuilder.build(state(all.toArray()), BuildOptions.serveAll())).isEqualTo(expected);
        });
    }

    @Test
    void buildingTwiceGivesEqualButIndependentTables() {
        BuildResult a = RouteTableBuilder.build(richState(), BuildOptions.serveAll());
        BuildResult b = RouteTableBuilder.build(richState(), BuildOptions.serveAll());
        assertThat(a).isEqualTo(b);
        assertThat(a.table().route("h", "/").backend()).isNotSameAs(b.table().route("h", "/").backend());
    }

    private interface Visitor {
        void visit(List<Object> permutation);
    }

    private static void permute(List<Object> list, int k, Visitor visitor) {
        if (k == list.size()) {
            visitor.visit(list);
            return;
        }
        for (int i = k; i < list.size(); i++) {
            Collections.swap(list, k, i);
            permute(list, k + 1, visitor);
            Collections.swap(list, k, i);
        }
    }
}
