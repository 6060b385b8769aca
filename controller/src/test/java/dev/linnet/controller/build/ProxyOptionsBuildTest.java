package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.PREFIX;
import static dev.linnet.controller.build.Fixtures.build;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.route.PathType;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 5 item 5 in the builder: the main Ingress's annotations on every route it creates. */
class ProxyOptionsBuildTest {

    private static final Object[] SERVICES = {svc("ns/a", "10.0.0.1"), svc("ns/b", "10.0.0.2"), svc("ns/c", "10.0.0.3")};

    private static Object[] with(Object... ingresses) {
        Object[] all = new Object[SERVICES.length + ingresses.length];
        System.arraycopy(SERVICES, 0, all, 0, SERVICES.length);
        System.arraycopy(ingresses, 0, all, SERVICES.length, ingresses.length);
        return all;
    }

    private static String svcOf(RouteTable t, String host, String path) {
        Route r = t.route(host, path);
        return r == null ? null : r.backend().service();
    }

    @Test
    void everyRouteOfTheIngressCarriesItsOptionsAndOtherIngressesKeepDefaults() {
        BuildResult r = build(with(
                ingress("ns/tuned").annotation(PREFIX + "/proxy-read-timeout", "7")
                        .annotation(PREFIX + "/proxy-body-size", "8m")
                        .host("a.com").path("/x").backend("a", 80).path("/y", "Exact").backend("b", 80)
                        .host("b.com").path("/").backend("a", 80).defaultBackend("c", 80),
                ingress("ns/plain").host("c.com").path("/").backend("a", 80),
                ingress("ns/catch").annotation(PREFIX + "/proxy-connect-timeout", "2")
                        .annotation(PREFIX + "/rewrite-target", "/z").defaultBackend("b", 80)));
        assertThat(r.warnings()).isEmpty();
        RouteTable t = r.table();
        for (Route route : List.of(t.route("a.com", "/x"), t.route("a.com", "/y"), t.route("b.com", "/"),
                t.route("a.com", "/nothing-else"))) {
            assertThat(route.options().readTimeout()).isEqualTo(Duration.ofSeconds(7));
            assertThat(route.options().maxBodySize()).isEqualTo(8L << 20);
        }
        assertThat(t.route("a.com", "/nothing-else").backend().service()).as("host fallback").isEqualTo("c");
        assertThat(t.route("c.com", "/").options()).isEqualTo(RouteOptions.DEFAULTS);
        Route catchAll = t.route("unknown.com", "/");
        assertThat(catchAll.ingress()).isEqualTo("catch");
        assertThat(catchAll.options().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(catchAll.options().rewriteTarget()).as("ingress-nginx skips rewrite on the catch-all").isNull();
    }

    @Test
    void aCanaryIngressesOwnAnnotationsAreIgnoredWithAWarning() {
        BuildResult r = build(with(
                ingress("ns/main").created("2024-01-01T00:00:00Z").annotation(PREFIX + "/proxy-read-timeout", "9")
                        .host("a.com").path("/").backend("a", 80),
                ingress("ns/can").created("2024-01-02T00:00:00Z").canary().canary("canary-weight", "50")
                        .annotation(PREFIX + "/proxy-read-timeout", "1")
                        .annotation(PREFIX + "/rewrite-target", "/other")
                        .host("a.com").path("/").backend("b", 80)));
        Route route = r.table().route("a.com", "/");
        assertThat(route.canary()).isNotNull();
        assertThat(route.options().readTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(route.options().rewriteTarget()).isNull();
        assertThat(route.match().type()).as("a canary's rewrite-target does not make the host regex")
                .isEqualTo(PathType.PREFIX);
        assertThat(r.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "Ingress ns/can: annotation " + PREFIX + "/proxy-read-timeout: \"1\" is ignored on a canary Ingress:"
                        + " the main Ingress's settings apply, as in ingress-nginx",
                "Ingress ns/can: annotation " + PREFIX + "/rewrite-target: \"/other\" is ignored on a canary Ingress:"
                        + " the main Ingress's settings apply, as in ingress-nginx");
    }

    /** The example of ingress-nginx's "Path Priority" documentation, plus its case-insensitivity. */
    @Test
    void rewriteTargetOnOneIngressMakesEveryPathOfTheHostARegexOrderedByLength() {
        BuildResult r = build(with(
                ingress("ns/one").created("2024-01-01T00:00:00Z").host("test.com")
                        .path("/foo/bar").backend("a", 80).path("/foo/bar/").backend("b", 80),
                ingress("ns/two").created("2024-01-02T00:00:00Z").annotation(PREFIX + "/rewrite-target", "/$1")
                        .host("test.com").path("/foo/bar/(.+)").backend("c", 80),
                ingress("ns/other").host("other.com").path("/foo/bar").backend("a", 80)));
        assertThat(r.warnings()).isEmpty();
        RouteTable t = r.table();
        assertThat(t.exactHosts().get("test.com").routes()).extracting(x -> x.match().type())
                .containsOnly(PathType.REGEX);
        assertThat(svcOf(t, "test.com", "/foo/bar/1")).isEqualTo("c");
        assertThat(svcOf(t, "test.com", "/foo/bar/")).isEqualTo("b");
        assertThat(svcOf(t, "test.com", "/foo/bar")).isEqualTo("a");
        assertThat(svcOf(t, "test.com", "/FOO/Bar/1")).isEqualTo("c");
        assertThat(svcOf(t, "test.com", "/foo/barbaz")).as("^/foo/bar is a regex prefix, not a path prefix")
                .isEqualTo("a");
        assertThat(t.route("test.com", "/foo/bar/1").options().rewriteTarget().target()).isEqualTo("/$1");
        assertThat(t.route("test.com", "/foo/bar").options().rewriteTarget()).as("only ns/two rewrites").isNull();
        assertThat(svcOf(t, "other.com", "/foo/barbaz")).as("other hosts keep prefix paths").isNull();
    }

    @Test
    void useRegexExactPathsBecomeRegexesAndAnUncompilablePathIsSkippedWithAWarning() {
        BuildResult r = build(with(
                ingress("ns/rx").created("2024-01-01T00:00:00Z").annotation(PREFIX + "/use-regex", "true")
                        .host("a.com").path("/v[0-9]+/items").backend("a", 80),
                ingress("ns/exact").created("2024-01-02T00:00:00Z")
                        .host("a.com").path("/exact", "Exact").backend("b", 80).path("/bad(", "Prefix").backend("c", 80)));
        assertThat(svcOf(r.table(), "a.com", "/V12/items/7")).isEqualTo("a");
        assertThat(svcOf(r.table(), "a.com", "/exact/more")).as("ingress-nginx: ~* \"^/exact\"").isEqualTo("b");
        assertThat(r.warnings()).extracting(ConfigWarning::toString).singleElement().asString()
                .startsWith("Ingress ns/exact: host a.com path /bad( (Prefix) is not a valid regular expression (")
                .endsWith("and use-regex or rewrite-target makes every path of this host one; path skipped");
    }

    @Test
    void unimplementedAnnotationsAreWarnedOnTheirIngress() {
        BuildResult r = build(with(ingress("ns/m").annotation(PREFIX + "/mirror-target", "https://m")
                .host("a.com").path("/").backend("a", 80)));
        assertThat(r.warnings()).extracting(ConfigWarning::name).containsExactly("m");
        assertThat(r.warnings().get(0).message()).contains("mirror-target is not implemented by Linnet");
    }

    @Test
    void endpointOnlyRebuildsKeepOptionsAndRegexPaths() {
        IncrementalBuilder builder = IncrementalBuilder.of(BuildOptions.serveAll());
        Object main = ingress("ns/m").annotation(PREFIX + "/rewrite-target", "/$1")
                .annotation(PREFIX + "/allowlist-source-range", "10.0.0.0/8")
                .host("a.com").path("/api/(.*)").backend("a", 80);
        builder.apply(state(main, svc("ns/a", "10.0.0.1")));
        ClusterState scaled = state(main, svc("ns/a", "10.0.0.1", "10.0.0.9"));
        BuildResult incremental = builder.apply(scaled);
        assertThat(builder.endpointOnlyBuilds()).isEqualTo(1);
        assertThat(incremental).isEqualTo(RouteTableBuilder.build(scaled, BuildOptions.serveAll()));
        Route route = incremental.table().route("a.com", "/api/x");
        assertThat(route.backend().endpoints()).hasSize(2);
        assertThat(route.match().type()).isEqualTo(PathType.REGEX);
        assertThat(route.options().rewriteTarget().target()).isEqualTo("/$1");
        assertThat(route.policies().find(AccessList.class).allowed().entries()).containsExactly("10.0.0.0/8");
    }
}
