package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.build;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hosts, paths, precedence and fallbacks of non-canary Ingresses (issue 2 item 3). */
class RoutingTest {

    /** ssl-redirect is on by default: every path of a main Ingress has the redirect policy. */
    private static final Policies REDIRECT = Policies.of(SslRedirect.DEFAULT);

    private static final Backend SVC = Backend.of("ns", "svc", "80", List.of(new Endpoint("10.0.0.1", 8080)));

    private static String backendOf(RouteTable t, String host, String path) {
        Route r = t.route(host, path);
        return r == null ? null : r.backend().service() + "@" + r.ingress();
    }

    @Test
    void tableNamesEveryIngressItWasBuiltFromWithItsResourceVersion() {
        Ingress main = ingress("ns/a").host("a.com").path("/").backend("svc", 80).build();
        main.getMetadata().setResourceVersion("4711");
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), main,
                ingress("ns/from-file").host("b.com").path("/").backend("svc", 80));
        assertThat(r.table().sources()).containsExactlyInAnyOrderEntriesOf(
                Map.of("ns/a", "4711", "ns/from-file", ""));
    }

    @Test
    void hostIsLowerCasedAndMatchedIgnoringCasePortAndTrailingDot() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"),
                ingress("ns/a").host("Foo.Example.COM").path("/info").backend("svc", 80));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.table().exactHosts()).containsOnlyKeys("foo.example.com");
        assertThat(r.table().route("FOO.example.com.:8080", "/info/x")).isEqualTo(
                new Route("ns", "a", "foo.example.com", PathMatch.prefix("/info"), SVC, null, RouteOptions.DEFAULTS,
                        REDIRECT));
        assertThat(r.table().route("foo.example.com", "/other")).isNull();
        assertThat(r.table().version()).isZero();
    }

    @Test
    void wildcardHostIsKeyedByItsSuffixAndMatchesOneLabel() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"),
                ingress("ns/a").host("*.Example.com").path("/").backend("svc", 80));
        assertThat(r.table().wildcardHosts()).containsOnlyKeys("example.com");
        assertThat(r.table().wildcardHosts().get("example.com").name()).isEqualTo("*.example.com");
        assertThat(backendOf(r.table(), "a.example.com", "/x")).isEqualTo("svc@a");
        assertThat(backendOf(r.table(), "a.b.example.com", "/x")).isNull();
        assertThat(backendOf(r.table(), "example.com", "/x")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo.*.com", "*foo.com", "*", "*.", "*.*.foo.com", "a*.foo.com"})
    void otherWildcardFormsAreSkippedWithAWarning(String host) {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"),
                ingress("ns/a").host(host).path("/").backend("svc", 80).host("ok.com").path("/").backend("svc", 80));
        assertThat(r.table().exactHosts()).containsOnlyKeys("ok.com");
        assertThat(r.table().wildcardHosts()).isEmpty();
        assertThat(r.warnings()).containsExactly(new ConfigWarning("Ingress", "ns", "a", "host \"" + host
                + "\" is not a valid wildcard (expected: *.<domain>, the * being the whole first label); rule skipped"));
    }

    @Test
    void ruleWithoutHostGoesToTheDefaultServer() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), ingress("ns/a").path("/app").backend("svc", 80));
        assertThat(r.table().exactHosts()).isEmpty();
        assertThat(r.table().defaultServer().routes()).extracting(Route::host).containsExactly(VirtualHost.DEFAULT_SERVER);
        assertThat(backendOf(r.table(), "anything.com", "/app")).isEqualTo("svc@a");
        assertThat(backendOf(r.table(), null, "/app")).isEqualTo("svc@a");
    }

    @Test
    void ruleWithHostButNoHttpBlockIsSkippedWithoutCrash() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"),
                ingress("ns/a").hostWithoutHttp("foo.com").host("bar.com").path("/").backend("svc", 80));
        assertThat(r.table().exactHosts()).containsOnlyKeys("bar.com");
        assertThat(r.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "path \"{0}\" type {1} -> {2} {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            ''    | Prefix                 | PREFIX | /
            ''    | -                      | PREFIX | /
            /a    | -                      | PREFIX | /a
            /a    | ImplementationSpecific | PREFIX | /a
            /a    | Prefix                 | PREFIX | /a
            /a    | Exact                  | EXACT  | /a
            """)
    void pathsAreNormalisedAsIngressNginxDoes(String path, String type, String expectedType, String expectedPath) {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), ingress("ns/a").host("h").path(path, type).backend("svc", 80));
        assertThat(r.table().exactHosts().get("h").routes()).extracting(Route::match)
                .containsExactly(new PathMatch(dev.linnet.gateway.route.PathType.valueOf(expectedType), expectedPath));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void pathNotStartingWithSlashOrWithUnknownTypeIsSkippedWithAWarning() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), ingress("ns/a").host("h")
                .path("api").backend("svc", 80)
                .path("/b", "Regex").backend("svc", 80)
                .path("/ok").backend("svc", 80));
        assertThat(r.table().exactHosts().get("h").routes()).extracting(rt -> rt.match().path()).containsExactly("/ok");
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "host h: path \"api\" is invalid (expected: starts with /); path skipped",
                "host h: path /b has pathType \"Regex\" (expected: Exact, Prefix or ImplementationSpecific); path skipped");
    }

    @Test
    void exactBeforePrefixAndLongestPrefixFirst() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"), svc("ns/exact", "10.0.0.3"),
                ingress("ns/a").host("h").path("/").backend("svc", 80).path("/api").backend("other", 80),
                ingress("ns/b").host("h").path("/api/v1").backend("svc", 80).path("/api", "Exact").backend("exact", 80));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.table().exactHosts().get("h").routes()).extracting(rt -> rt.match().type() + " " + rt.match().path())
                .containsExactly("EXACT /api", "PREFIX /api/v1", "PREFIX /api", "PREFIX /");
        assertThat(backendOf(r.table(), "h", "/api")).isEqualTo("exact@b");
        assertThat(backendOf(r.table(), "h", "/api/")).isEqualTo("other@a");
        assertThat(backendOf(r.table(), "h", "/api/v1/x")).isEqualTo("svc@b");
        assertThat(backendOf(r.table(), "h", "/apis")).isEqualTo("svc@a");
    }

    @Test
    void equalPrefixLengthsKeepTheOlderIngressFirst() {
        // "/a" and "/a/" are different paths of the same length: both stay, the older matches first.
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"),
                ingress("ns/new").created("2024-01-02T00:00:00Z").host("h").path("/a").backend("other", 80),
                ingress("ns/old").created("2024-01-01T00:00:00Z").host("h").path("/a/").backend("svc", 80));
        assertThat(r.table().exactHosts().get("h").routes()).extracting(Route::ingress).containsExactly("old", "new");
        assertThat(backendOf(r.table(), "h", "/a")).isEqualTo("svc@old");
    }

    @Test
    void duplicatePathStaysWithTheOlderIngressAndTheLaterOneIsWarned() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"),
                ingress("ns/a-new").created("2024-05-01T10:00:00+02:00").host("h").path("/info").backend("other", 80)
                        .path("/more").backend("other", 80),
                ingress("ns/z-old").created("2024-05-01T09:00:00+02:00").host("h").path("/info").backend("svc", 80));
        assertThat(backendOf(r.table(), "h", "/info")).isEqualTo("svc@z-old");
        assertThat(backendOf(r.table(), "h", "/more")).isEqualTo("other@a-new");
        assertThat(r.warnings()).containsExactly(new ConfigWarning("Ingress", "ns", "a-new",
                "host h path /info (Prefix): path already defined by Ingress ns/z-old; ignored here"));
    }

    @Test
    void withoutTimestampsTheGreaterNamespaceNameWinsAsIngressNginxSortsDescending() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"),
                ingress("ns/a").host("h").path("/").backend("other", 80),
                ingress("ns/b").host("h").path("/").backend("svc", 80));
        assertThat(backendOf(r.table(), "h", "/")).isEqualTo("svc@b");
        assertThat(r.warnings()).extracting(ConfigWarning::name).containsExactly("a");
    }

    @Test
    void missingTimestampCountsAsOldest() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"),
                ingress("ns/b").created("2020-01-01T00:00:00Z").host("h").path("/").backend("svc", 80),
                ingress("ns/a").host("h").path("/").backend("other", 80));
        assertThat(backendOf(r.table(), "h", "/")).isEqualTo("other@a");
    }

    @Test
    void sameExactAndPrefixPathAreDifferentRoutes() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"),
                ingress("ns/a").host("h").path("/x", "Exact").backend("svc", 80),
                ingress("ns/b").host("h").path("/x", "Prefix").backend("svc", 80));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.table().exactHosts().get("h").routes()).hasSize(2);
    }

    @Test
    void ingressWithOnlyADefaultBackendIsTheCatchAllAndTheOldestWins() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"),
                ingress("ns/first").created("2024-01-01T00:00:00Z").defaultBackend("svc", 80),
                ingress("ns/second").created("2024-02-01T00:00:00Z").defaultBackend("other", 80));
        assertThat(r.table().defaultServer().fallback()).as("the catch-all never redirects (ingress-nginx)")
                .isEqualTo(new Route("ns", "first", "_", PathMatch.prefix("/"), SVC, null,
                        RouteOptions.DEFAULTS));
        assertThat(r.table().route("unknown.host", "/any")).isEqualTo(r.table().defaultServer().fallback());
        assertThat(r.warnings()).containsExactly(new ConfigWarning("Ingress", "ns", "second",
                "catch-all spec.defaultBackend already defined by Ingress ns/first; ignored here"));
    }

    @Test
    void defaultBackendOfAnIngressWithRulesIsTheFallbackOfItsHosts() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"), svc("ns/api", "10.0.0.3"),
                ingress("ns/a").created("2024-01-01T00:00:00Z").defaultBackend("svc", 80)
                        .host("h").path("/api").backend("api", 80).host("*.w.com").path("/api").backend("api", 80)
                        .path("/api2").backend("api", 80),
                ingress("ns/b").created("2024-01-02T00:00:00Z").defaultBackend("other", 80)
                        .host("h").path("/b").backend("api", 80).host("g").path("/b").backend("api", 80));
        assertThat(r.warnings()).isEmpty();
        assertThat(backendOf(r.table(), "h", "/api/x")).isEqualTo("api@a");
        assertThat(backendOf(r.table(), "h", "/elsewhere")).isEqualTo("svc@a"); // first fallback stays
        assertThat(backendOf(r.table(), "x.w.com", "/elsewhere")).isEqualTo("svc@a");
        assertThat(backendOf(r.table(), "g", "/elsewhere")).isEqualTo("other@b");
        assertThat(r.table().exactHosts().get("h").fallback())
                .isEqualTo(new Route("ns", "a", "h", PathMatch.prefix("/"), SVC, null, RouteOptions.DEFAULTS, REDIRECT));
        assertThat(r.table().wildcardHosts().get("w.com").fallback().host()).isEqualTo("*.w.com");
        assertThat(r.table().defaultServer().fallback()).isNull();
    }

    @Test
    void defaultBackendOfAnIngressWithHostlessRulesDoesNotReplaceTheCatchAll() {
        // ingress-nginx keeps the "_" root for catch-all Ingresses; host-less rules only add locations.
        BuildResult r = build(svc("ns/svc", "10.0.0.1"), svc("ns/other", "10.0.0.2"),
                ingress("ns/rules").created("2024-01-01T00:00:00Z").defaultBackend("other", 80)
                        .path("/app").backend("other", 80),
                ingress("ns/catchall").created("2024-02-01T00:00:00Z").defaultBackend("svc", 80));
        assertThat(r.warnings()).isEmpty();
        assertThat(backendOf(r.table(), "x", "/app")).isEqualTo("other@rules");
        assertThat(backendOf(r.table(), "x", "/else")).isEqualTo("svc@catchall");
    }

    @Test
    void hostThatMatchesNoPathDoesNotFallThroughToTheCatchAll() {
        BuildResult r = build(svc("ns/svc", "10.0.0.1"),
                ingress("ns/a").host("h").path("/api").backend("svc", 80),
                ingress("ns/b").defaultBackend("svc", 80));
        assertThat(r.table().route("h", "/other")).isNull();
        assertThat(r.table().route("x", "/other")).isNotNull();
    }

    @Test
    void noIngressesGiveAnEmptyTable() {
        assertThat(build().table()).isEqualTo(RouteTable.EMPTY);
        assertThat(build().warnings()).isEmpty();
    }

    @Test
    void ingressWithoutNamespaceIsInDefault() {
        var i = ingress("x/a").host("h").path("/").backend("svc", 80).build();
        i.getMetadata().setNamespace(null);
        BuildResult r = build(svc("default/svc", "10.0.0.1"), i);
        assertThat(r.table().route("h", "/")).isEqualTo(new Route("default", "a", "h", PathMatch.prefix("/"),
                Backend.of("default", "svc", "80", List.of(new Endpoint("10.0.0.1", 8080))), null,
                RouteOptions.DEFAULTS, REDIRECT));
    }
}
