package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.PREFIX;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AccessRules;
import dev.linnet.gateway.policy.ResponseHeaderEdits;
import dev.linnet.gateway.route.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 11 and issue 19 §2: an Ingress with a snippet outside the safe subset is not
 * served (its snippet would fail open), as ingress-nginx ≥ 1.12 at its default
 * annotations-risk-level; with {@code --serve-ingresses-with-snippets} it is served without its
 * snippets. A snippet inside the subset becomes policies; a server-snippet applies to every
 * route of its host.
 */
class SnippetIngressTest {

    private static final BuildOptions DEFAULT = BuildOptions.serveAll();
    private static final BuildOptions SERVE = BuildOptions.serveAll().withServeIngressesWithSnippets(true);

    private static BuildResult build(BuildOptions options, Object... ingresses) {
        return RouteTableBuilder.build(state(svc("ns/a", "10.0.0.1"), svc("ns/b", "10.0.0.2"), List.of(ingresses)),
                options);
    }

    private static String service(BuildResult r, String host, String path) {
        Route route = r.table().route(host, path);
        return route == null ? null : route.backend().service();
    }

    private static final String OUTSIDE = "deny all; sub_filter a b;";

    @Test
    void anIngressWithASnippetOutsideTheSubsetIsNotServedAndNamedInAWarning() {
        BuildResult r = build(DEFAULT, ingress("ns/locked").annotation(PREFIX + "/configuration-snippet", OUTSIDE)
                .annotation(PREFIX + "/enable-cors", "true").host("a.com").path("/admin").backend("a", 80));
        assertThat(r.table().route("a.com", "/admin")).as("404, as if the Ingress did not exist").isNull();
        assertThat(r.table().sources()).doesNotContainKey("ns/locked");
        assertThat(r.warnings()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo("Ingress");
            assertThat(w.namespace() + "/" + w.name()).isEqualTo("ns/locked");
            assertThat(w.message()).startsWith("annotation " + PREFIX + "/configuration-snippet: directive sub_filter")
                    .contains("the Ingress is NOT served").contains("--serve-ingresses-with-snippets");
        });
    }

    @Test
    void aSnippetInsideTheSubsetIsServedWithItsPolicies() {
        BuildResult r = build(DEFAULT, ingress("ns/ok").annotation(PREFIX + "/configuration-snippet",
                "allow 10.0.0.0/8; deny all;").host("a.com").path("/").backend("a", 80));
        assertThat(r.table().route("a.com", "/").policies().find(AccessRules.class)).isNotNull();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void everyOtherSnippetKeyWithContentRejectsTheIngressAndAnEmptyOneDoesNot() {
        for (String key : List.of("stream-snippet", "modsecurity-snippet")) {
            assertThat(build(DEFAULT, ingress("ns/s").annotation(PREFIX + "/" + key, "x;").host("a.com").path("/")
                    .backend("a", 80)).table().route("a.com", "/")).as(key).isNull();
            assertThat(build(DEFAULT, ingress("ns/s").annotation(PREFIX + "/" + key, "").host("a.com").path("/")
                    .backend("a", 80)).table().route("a.com", "/")).as(key + " empty").isNotNull();
        }
    }

    @Test
    void aServerSnippetsDenyReachesEveryRouteWithoutAccessRulesOfItsOwnOtherIngressesToo() {
        BuildResult r = build(DEFAULT,
                ingress("ns/owner").created("2024-01-01T00:00:00Z").annotation(PREFIX + "/server-snippet", "deny all;")
                        .annotation(PREFIX + "/allowlist-source-range", "10.0.0.0/8").host("a.com").path("/own")
                        .backend("a", 80),
                ingress("ns/other").created("2024-02-01T00:00:00Z").host("a.com").path("/admin").backend("b", 80));
        assertThat(r.table().route("a.com", "/own").policies().find(AccessRules.class))
                .as("the location's allowlist replaces the server's allow/deny").isNull();
        assertThat(r.table().route("a.com", "/admin").policies().find(AccessRules.class))
                .as("another Ingress's route inherits the server's deny all").isNotNull();
    }

    @Test
    void aServerSnippetAppliesToEveryRouteOfTheHostTheOldestWins() {
        BuildResult r = build(DEFAULT,
                ingress("ns/old").created("2024-01-01T00:00:00Z").annotation(PREFIX + "/server-snippet",
                        "more_set_headers 'X-Server: old';").host("a.com").path("/old").backend("a", 80),
                ingress("ns/new").created("2024-01-02T00:00:00Z").annotation(PREFIX + "/server-snippet",
                        "more_set_headers 'X-Server: new';").host("a.com").path("/new").backend("b", 80)
                        .host("b.com").path("/").backend("b", 80));
        for (String path : List.of("/old", "/new")) {
            ResponseHeaderEdits edits = r.table().route("a.com", path).policies().find(ResponseHeaderEdits.class);
            assertThat(edits.edits()).as(path).singleElement().satisfies(e -> assertThat(e.value().source())
                    .isEqualTo("old"));
        }
        assertThat(r.table().route("b.com", "/").policies().find(ResponseHeaderEdits.class).edits().get(0).value()
                .source()).isEqualTo("new");
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "host a.com: server-snippet already given by Ingress ns/old; ignored here (one server block per host,"
                        + " the oldest Ingress's)");
    }

    @Test
    void anotherIngressForTheSameHostAndPathKeepsServing() {
        BuildResult r = build(DEFAULT,
                // the older one would own "/" if it were served
                ingress("ns/old").created("2024-01-01T00:00:00Z").annotation(PREFIX + "/server-snippet", "return 403; include x;")
                        .host("a.com").path("/").backend("a", 80).path("/only-old").backend("a", 80)
                        .defaultBackend("a", 80),
                ingress("ns/new").created("2024-01-02T00:00:00Z").host("a.com").path("/").backend("b", 80));
        assertThat(service(r, "a.com", "/")).isEqualTo("b");
        assertThat(service(r, "a.com", "/only-old")).as("falls through to ns/new's /").isEqualTo("b");
        assertThat(r.warnings()).extracting(ConfigWarning::name).containsExactly("old");
    }

    @Test
    void aCanaryWithASnippetDoesNotAttach() {
        BuildResult r = build(DEFAULT,
                ingress("ns/main").created("2024-01-01T00:00:00Z").host("a.com").path("/").backend("a", 80),
                ingress("ns/can").created("2024-01-02T00:00:00Z").canary().canary("canary-weight", "100")
                        .canary("configuration-snippet", OUTSIDE).host("a.com").path("/").backend("b", 80));
        assertThat(r.table().route("a.com", "/").canary()).isNull();
        assertThat(r.warnings()).extracting(ConfigWarning::name).containsExactly("can");
    }

    @Test
    void aCatchAllWithASnippetIsNotTheCatchAll() {
        BuildResult r = build(DEFAULT, ingress("ns/catch").canary("server-snippet", OUTSIDE).defaultBackend("a", 80));
        assertThat(r.table().route("unknown.example", "/")).isNull();
    }

    @Test
    void theFlagServesItWithoutTheSnippetAndSaysSo() {
        BuildResult r = build(SERVE,
                ingress("ns/locked").annotation(PREFIX + "/configuration-snippet", OUTSIDE)
                        .host("a.com").path("/admin").backend("a", 80),
                ingress("ns/can").canary().canary("canary-weight", "100").canary("auth-snippet", "lua_x on;")
                        .host("a.com").path("/admin").backend("b", 80));
        Route route = r.table().route("a.com", "/admin");
        assertThat(route.backend().service()).isEqualTo("a");
        assertThat(route.canary().ingress()).isEqualTo("can");
        assertThat(r.table().sources()).containsKeys("ns/locked", "ns/can");
        assertThat(r.warnings()).extracting(ConfigWarning::toString).containsExactly( // same age: by name, descending
                "Ingress ns/locked: annotation " + PREFIX + "/configuration-snippet: directive sub_filter (line 1)"
                        + " is outside the subset Linnet understands (docs/snippets.md); the Ingress is served WITHOUT"
                        + " its snippets because of --serve-ingresses-with-snippets",
                "Ingress ns/can: annotation " + PREFIX + "/auth-snippet: directive lua_x (line 1) is outside the"
                        + " subset Linnet understands (docs/snippets.md); the Ingress is served WITHOUT its snippets"
                        + " because of --serve-ingresses-with-snippets");
        assertThat(route.policies().find(AccessRules.class)).as("never partly applied").isNull();
    }

    @Test
    void snippetsUnderAnotherPrefixAreNotOurs() {
        BuildResult r = build(DEFAULT, ingress("ns/other").annotation("example.com/configuration-snippet", "x")
                .host("a.com").path("/").backend("a", 80));
        assertThat(service(r, "a.com", "/")).isEqualTo("a");
        assertThat(r.warnings()).isEmpty();
    }
}
