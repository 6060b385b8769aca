package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.build;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.build.Fixtures.IngressFixture;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a canary Ingress attaches (canary-spec.md §2 and its §6 cases, under DESIGN.md deliberate
 * difference 1: per rule, same host, path string and pathType; oldest canary wins).
 */
class CanaryAttachmentTest {

    private static final List<Object> SERVICES = List.of(
            svc("ns/httpbun", "10.0.0.1"), svc("ns/httpbun-canary", "10.0.1.1"),
            svc("ns/svc-1", "10.0.2.1"), svc("ns/svc-2", "10.0.3.1"));

    private static final Backend MAIN = Backend.of("ns", "httpbun", "80", List.of(new Endpoint("10.0.0.1", 8080)));
    private static final Backend CANARY = Backend.of("ns", "httpbun-canary", "80",
            List.of(new Endpoint("10.0.1.1", 8080)));

    /** e2e M: name foo, host foo, /info Prefix → httpbun:80. */
    private static IngressFixture main() {
        return ingress("ns/foo").created("2024-01-01T00:00:00Z").host("foo").path("/info").backend("httpbun", 80);
    }

    /** e2e C: name foo-canary, host foo, /info Prefix → httpbun-canary:80, by-header CanaryByHeader. */
    private static IngressFixture canary() {
        return ingress("ns/foo-canary").created("2024-01-02T00:00:00Z").canary()
                .canary("canary-by-header", "CanaryByHeader")
                .host("foo").path("/info").backend("httpbun-canary", 80);
    }

    private static BuildResult build(Object... objects) {
        return Fixtures.build(SERVICES, List.of(objects));
    }

    private static CanaryRule canaryOf(RouteTable t, String host, String path) {
        Route r = t.route(host, path);
        assertThat(r).as(host + path).isNotNull();
        return r.canary();
    }

    private static List<String> messages(BuildResult r) {
        return r.warnings().stream().map(w -> w.namespace() + "/" + w.name() + ": " + w.message()).toList();
    }

    @Test
    void canaryAttachesToTheMainRouteWithItsOwnRules() { // E1, E3, M1
        BuildResult r = build(main(), canary());
        Route route = r.table().route("foo", "/info");
        assertThat(route).isEqualTo(new Route("ns", "foo", "foo", route.match(), MAIN,
                new CanaryRule("ns", "foo-canary", CANARY, "CanaryByHeader", null, null, null, 0, 100),
                RouteOptions.DEFAULTS, Policies.of(SslRedirect.DEFAULT)));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.table().exactHosts()).containsOnlyKeys("foo");
    }

    @Test
    void canaryCreatedBeforeItsMainStillAttaches() { // E4
        BuildResult r = build(main().created("2024-03-01T00:00:00Z"), canary());
        assertThat(canaryOf(r.table(), "foo", "/info").ingress()).isEqualTo("foo-canary");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void canaryWithoutMainIngressCreatesNothingAndWarns() { // E2, G3
        BuildResult r = build(canary().canary("canary-by-header", "CanaryByHeader"));
        assertThat(r.table().exactHosts()).isEmpty();
        assertThat(r.table().route("foo", "/info")).isNull();
        assertThat(messages(r)).containsExactly(
                "ns/foo-canary: no main Ingress serves host foo path /info (Prefix); canary ignored for this path");
    }

    @Test
    void canaryOnAnotherHostDefinesNoServer() { // E20
        BuildResult r = build(
                ingress("ns/bar").host("bar").path("/info").backend("httpbun", 80),
                ingress("ns/foo").canary().canary("canary-by-header", "H").host("foo").path("/info")
                        .backend("httpbun-canary", 80));
        assertThat(r.table().exactHosts()).containsOnlyKeys("bar");
        assertThat(canaryOf(r.table(), "bar", "/info")).isNull();
        assertThat(messages(r)).containsExactly(
                "ns/foo: no main Ingress serves host foo path /info (Prefix); canary ignored for this path");
    }

    @Test
    void canaryWithSeveralNonMatchingPathsToAMissingServiceDoesNotBreakTheHost() { // E21, #3838
        BuildResult r = build(
                ingress("ns/foo-canary").created("2024-01-01T00:00:00Z").canary().canary("canary-by-header", "H")
                        .host("foo").path("/foo").backend("httpy-svc-canary", 80).path("/bar")
                        .backend("httpy-svc-canary", 80),
                ingress("ns/foo").created("2024-01-02T00:00:00Z").host("foo").path("/info").backend("httpbun", 80));
        assertThat(r.table().exactHosts()).containsOnlyKeys("foo");
        assertThat(canaryOf(r.table(), "foo", "/info")).isNull();
        assertThat(messages(r)).containsExactly(
                "ns/foo-canary: no main Ingress serves host foo path /foo (Prefix); canary ignored for this path",
                "ns/foo-canary: no main Ingress serves host foo path /bar (Prefix); canary ignored for this path");
    }

    @Test
    void mainAtRootAndCanaryAtRootMakeOneHostServedByTheMain() { // G4
        BuildResult r = build(
                ingress("ns/main").host("example.com").path("/").backend("httpbun", 80),
                ingress("ns/canary").canary().host("example.com").path("/").backend("httpbun-canary", 80));
        assertThat(r.table().exactHosts()).containsOnlyKeys("example.com");
        Route route = r.table().route("example.com", "/");
        assertThat(route.backend()).isEqualTo(MAIN);
        assertThat(route.canary().backend()).isEqualTo(CANARY);
    }

    @Test
    void crossedServicesKeepEachRuleItsOwnMainAndCanary() { // G5 under per-rule semantics
        BuildResult r = build(
                ingress("ns/example-a").host("h").path("/a").backend("svc-1", 80),
                ingress("ns/example-a-canary").canary().host("h").path("/a").backend("svc-2", 80),
                ingress("ns/example-b").host("h").path("/b").backend("svc-2", 80),
                ingress("ns/example-b-canary").canary().host("h").path("/b").backend("svc-1", 80),
                ingress("ns/example-c").host("h").path("/c").backend("svc-1", 80),
                ingress("ns/example-c-canary").canary().host("h").path("/c").backend("svc-2", 80));
        assertThat(r.warnings()).isEmpty();
        // ingress-nginx would send all three to svc-1 (first writer wins on upstreams); Linnet
        // keeps what each Ingress says.
        for (String[] c : new String[][] {{"/a", "svc-1", "svc-2"}, {"/b", "svc-2", "svc-1"}, {"/c", "svc-1", "svc-2"}}) {
            Route route = r.table().route("h", c[0]);
            assertThat(route.backend().service()).as(c[0]).isEqualTo(c[1]);
            assertThat(route.canary().backend().service()).as(c[0]).isEqualTo(c[2]);
            assertThat(route.canary().ingress()).isEqualTo("example-" + c[0].substring(1) + "-canary");
        }
    }

    @Test
    void canaryWithTwoRulesAttachesEachToItsHost() { // M2
        BuildResult r = build(
                ingress("ns/m1").host("foo.bar").path("/").backend("svc-1", 80),
                ingress("ns/m2").host("example.com").path("/").backend("httpbun", 80),
                ingress("ns/c").canary().host("foo.bar").path("/").backend("svc-2", 80)
                        .host("example.com").path("/").backend("httpbun-canary", 80));
        assertThat(canaryOf(r.table(), "foo.bar", "/").backend().service()).isEqualTo("svc-2");
        assertThat(canaryOf(r.table(), "example.com", "/").backend()).isEqualTo(CANARY);
    }

    @Test
    void canaryRuleWithoutHostAttachesToTheDefaultServer() { // M6
        BuildResult r = build(
                ingress("ns/m").path("/app").backend("httpbun", 80),
                ingress("ns/c").canary().path("/app").backend("httpbun-canary", 80));
        assertThat(canaryOf(r.table(), "any.host", "/app").backend()).isEqualTo(CANARY);
    }

    @Test
    void canaryOnAWildcardHostAttachesToTheWildcardMain() {
        BuildResult r = build(
                ingress("ns/m").host("*.example.com").path("/").backend("httpbun", 80),
                ingress("ns/c").canary().host("*.Example.com").path("/").backend("httpbun-canary", 80));
        assertThat(canaryOf(r.table(), "a.example.com", "/").backend()).isEqualTo(CANARY);
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void canaryCatchAllAttachesToTheNonCanaryCatchAll() { // M4, G2, E19
        BuildResult r = build(
                ingress("ns/c").created("2024-01-01T00:00:00Z").canary().canary("canary-by-header", "H")
                        .defaultBackend("httpbun-canary", 80),
                ingress("ns/foo").created("2024-01-02T00:00:00Z").defaultBackend("httpbun", 80));
        Route fallback = r.table().defaultServer().fallback();
        assertThat(fallback.ingress()).isEqualTo("foo");
        assertThat(fallback.backend()).isEqualTo(MAIN);
        assertThat(fallback.canary()).isEqualTo(new CanaryRule("ns", "c", CANARY, "H", null, null, null, 0, 100));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void canaryCatchAllWithoutNonCanaryCatchAllIsIgnored() { // M5, G1
        BuildResult r = build(
                ingress("ns/m").path("/app").backend("httpbun", 80),
                ingress("ns/c").canary().defaultBackend("httpbun-canary", 80));
        assertThat(r.table().defaultServer().fallback()).isNull();
        assertThat(canaryOf(r.table(), "x", "/app")).isNull();
        assertThat(messages(r)).containsExactly("ns/c: spec.defaultBackend: no non-canary catch-all Ingress"
                + " (spec.defaultBackend without rules) exists; canary ignored for the catch-all");
    }

    @Test
    void secondCanaryOnTheSameRuleIsIgnoredAndTheOldestWins() { // #5848, "one canary per rule"
        BuildResult r = build(main(),
                ingress("ns/zz-newer").created("2024-02-01T00:00:00Z").canary().canary("canary-weight", "50")
                        .host("foo").path("/info").backend("svc-2", 80),
                ingress("ns/aa-older").created("2024-01-15T00:00:00Z").canary().canary("canary-weight", "10")
                        .host("foo").path("/info").backend("svc-1", 80));
        CanaryRule rule = canaryOf(r.table(), "foo", "/info");
        assertThat(rule.ingress()).isEqualTo("aa-older");
        assertThat(rule.weight()).isEqualTo(10);
        assertThat(messages(r)).containsExactly("ns/zz-newer: host foo path /info (Prefix): route already has canary"
                + " ns/aa-older; only one canary per rule, this one is ignored");
    }

    @Test
    void secondCanaryOnTheCatchAllIsIgnored() {
        BuildResult r = build(
                ingress("ns/main").defaultBackend("httpbun", 80),
                ingress("ns/c1").created("2024-01-01T00:00:00Z").canary().defaultBackend("svc-1", 80),
                ingress("ns/c2").created("2024-01-02T00:00:00Z").canary().defaultBackend("svc-2", 80));
        assertThat(r.table().defaultServer().fallback().canary().ingress()).isEqualTo("c1");
        assertThat(messages(r)).containsExactly("ns/c2: spec.defaultBackend: the catch-all already has canary ns/c1;"
                + " only one canary per rule, this one is ignored");
    }

    @Test
    void implementationSpecificCanaryMatchesPrefixMain() {
        IngressFixture c = ingress("ns/c").canary().host("foo").path("/info", "ImplementationSpecific")
                .backend("httpbun-canary", 80);
        BuildResult r = build(main(), c);
        assertThat(canaryOf(r.table(), "foo", "/info").ingress()).isEqualTo("c");
        assertThat(r.warnings()).isEmpty();
        IngressFixture untyped = ingress("ns/c").canary().host("foo").path("/info", null).backend("httpbun-canary", 80);
        assertThat(canaryOf(build(main(), untyped).table(), "foo", "/info")).isNotNull();
    }

    @Test
    void exactCanaryDoesNotMatchPrefixMain() {
        BuildResult r = build(main(),
                ingress("ns/c").canary().host("foo").path("/info", "Exact").backend("httpbun-canary", 80));
        assertThat(canaryOf(r.table(), "foo", "/info")).isNull();
        assertThat(messages(r)).containsExactly(
                "ns/c: no main Ingress serves host foo path /info (Exact); canary ignored for this path");
    }

    @Test
    void canaryPathMustEqualTheMainPathString() { // #9830: /info does not attach to /
        BuildResult r = build(
                ingress("ns/m").host("foo").path("/").backend("httpbun", 80),
                ingress("ns/c").canary().host("foo").path("/info").backend("httpbun-canary", 80));
        assertThat(canaryOf(r.table(), "foo", "/info")).isNull();
        assertThat(r.table().exactHosts().get("foo").routes()).hasSize(1);
        assertThat(r.warnings()).hasSize(1);
    }

    @Test
    void otherRoutesUsingTheMainServiceGetNoCanary() { // DESIGN.md difference 1; #4692, #8689
        BuildResult r = build(main(),
                ingress("ns/other").host("other").path("/info").backend("httpbun", 80)
                        .host("foo").path("/more").backend("httpbun", 80),
                canary());
        assertThat(canaryOf(r.table(), "foo", "/info")).isNotNull();
        assertThat(canaryOf(r.table(), "foo", "/more")).isNull();
        assertThat(canaryOf(r.table(), "other", "/info")).isNull();
    }

    @Test
    void twoCanariesSharingACanaryServiceKeepTheirOwnRules() { // #3952, #9458
        BuildResult r = build(
                ingress("ns/m").host("h").path("/a").backend("httpbun", 80).path("/b").backend("httpbun", 80),
                ingress("ns/ca").canary().canary("canary-by-header", "A").host("h").path("/a")
                        .backend("httpbun-canary", 80),
                ingress("ns/cb").canary().canary("canary-by-cookie", "B").host("h").path("/b")
                        .backend("httpbun-canary", 80));
        assertThat(canaryOf(r.table(), "h", "/a")).isEqualTo(
                new CanaryRule("ns", "ca", CANARY, "A", null, null, null, 0, 100));
        assertThat(canaryOf(r.table(), "h", "/b")).isEqualTo(
                new CanaryRule("ns", "cb", CANARY, null, null, null, "B", 0, 100));
        assertThat(canaryOf(r.table(), "h", "/a").backend()).isSameAs(canaryOf(r.table(), "h", "/b").backend());
    }

    @Test
    void canaryServiceMayAlsoServeAnOrdinaryRoute() { // #8004: no NoServer poisoning
        BuildResult r = build(main(), canary(),
                ingress("ns/plain").host("plain").path("/").backend("httpbun-canary", 80));
        assertThat(r.table().route("plain", "/").backend()).isEqualTo(CANARY);
        assertThat(canaryOf(r.table(), "foo", "/info").backend()).isEqualTo(CANARY);
    }

    @Test
    void configuredButNotEnabledIngressCompetesAsAnOrdinaryOne() { // canary-spec.md §1
        BuildResult older = build(main().created("2024-02-01T00:00:00Z"),
                ingress("ns/not-canary").created("2024-01-01T00:00:00Z").canary("canary-weight", "10")
                        .host("foo").path("/info").backend("httpbun-canary", 80));
        assertThat(older.table().route("foo", "/info").backend()).isEqualTo(CANARY);
        assertThat(older.table().route("foo", "/info").canary()).isNull();
        assertThat(messages(older)).containsExactly(
                "ns/not-canary: annotation nginx.ingress.kubernetes.io/canary is absent but"
                        + " nginx.ingress.kubernetes.io/canary-weight is set; the canary annotations are ignored and"
                        + " this Ingress is served as an ordinary Ingress, as ingress-nginx does",
                "ns/foo: host foo path /info (Prefix): path already defined by Ingress ns/not-canary; ignored here");
    }

    @Test
    void canaryCreatesNoHostsEvenForRulesWithoutHttp() { // nil-rule hazard, canary-spec.md §2
        BuildResult r = build(main(), ingress("ns/c").canary().hostWithoutHttp("foo").hostWithoutHttp("new.host"));
        assertThat(r.table().exactHosts()).containsOnlyKeys("foo");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void canaryServiceProblemsAreWarnedOnTheCanaryIngress() {
        BuildResult r = build(main(), ingress("ns/c").canary().host("foo").path("/info").backend("nope", 80));
        assertThat(canaryOf(r.table(), "foo", "/info").backend().hasEndpoints()).isFalse();
        assertThat(messages(r)).containsExactly("ns/c: Service ns/nope not found; requests to it get 503");
    }

    @Test
    void canaryOfTheSameRuleListedTwiceInOneIngressWarnsOnce() {
        BuildResult r = build(main(), canary().host("foo").path("/info").backend("httpbun-canary", 80));
        assertThat(canaryOf(r.table(), "foo", "/info").ingress()).isEqualTo("foo-canary");
        assertThat(messages(r)).containsExactly("ns/foo-canary: host foo path /info (Prefix): route already has"
                + " canary ns/foo-canary; only one canary per rule, this one is ignored");
    }
}
