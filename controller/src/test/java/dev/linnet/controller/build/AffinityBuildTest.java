package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.PREFIX;
import static dev.linnet.controller.build.Fixtures.build;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Affinity;
import dev.linnet.gateway.route.RouteTable;
import org.junit.jupiter.api.Test;

/** Which routes carry affinity (affinity-spec.md §2, with Linnet's per-route scope). */
class AffinityBuildTest {

    private static Affinity affinity(RouteTable t, String host, String path) {
        return t.route(host, path).policies().find(Affinity.class);
    }

    @Test
    void everyRulePathOfTheIngressIsStickyNotItsFallbacks() {
        BuildResult r = build(svc("ns/a", "10.0.0.1"), svc("ns/b", "10.0.0.2"),
                ingress("ns/sticky").annotation(PREFIX + "/affinity", "cookie")
                        .host("a.com").path("/x").backend("a", 80).path("/y").backend("a", 80).defaultBackend("b", 80),
                ingress("ns/catch").annotation(PREFIX + "/affinity", "cookie").defaultBackend("b", 80));
        RouteTable t = r.table();
        assertThat(affinity(t, "a.com", "/x")).isNotNull();
        assertThat(affinity(t, "a.com", "/y")).isNotNull();
        assertThat(affinity(t, "a.com", "/other")).as("host fallback from spec.defaultBackend").isNull();
        assertThat(affinity(t, "unknown.com", "/")).as("catch-all: ingress-nginx reads rule paths only").isNull();
    }

    @Test
    void a10_a68_aPathWithoutAffinityStaysWithoutOnASharedService() {
        BuildResult r = build(svc("ns/a", "10.0.0.1"),
                ingress("ns/one").annotation(PREFIX + "/affinity", "cookie")
                        .host("foo.com").path("/foo/bar").backend("a", 80),
                ingress("ns/two").host("foo.com").path("/foo").backend("a", 80));
        assertThat(affinity(r.table(), "foo.com", "/foo/bar")).isNotNull();
        assertThat(affinity(r.table(), "foo.com", "/foo")).isNull();
    }

    @Test
    void a56_a57_ingressesSharingAServiceKeepTheirOwnCookieAndMode() {
        BuildResult r = build(svc("ns/a", "10.0.0.1"),
                ingress("ns/older").created("2024-01-01T00:00:00Z").annotation(PREFIX + "/affinity", "cookie")
                        .annotation(PREFIX + "/affinity-mode", "persistent")
                        .annotation(PREFIX + "/session-cookie-name", "a")
                        .host("a.com").path("/").backend("a", 80),
                ingress("ns/newer").created("2024-01-02T00:00:00Z").annotation(PREFIX + "/affinity", "cookie")
                        .annotation(PREFIX + "/session-cookie-name", "b")
                        .host("b.com").path("/").backend("a", 80),
                ingress("ns/modeonly").created("2023-01-01T00:00:00Z").annotation(PREFIX + "/affinity-mode", "persistent")
                        .host("c.com").path("/").backend("a", 80));
        assertThat(affinity(r.table(), "a.com", "/").cookie().name()).isEqualTo("a");
        assertThat(affinity(r.table(), "a.com", "/").persistent()).isTrue();
        assertThat(affinity(r.table(), "b.com", "/").cookie().name()).isEqualTo("b");
        assertThat(affinity(r.table(), "b.com", "/").persistent()).as("not the older Ingress's mode").isFalse();
        assertThat(affinity(r.table(), "c.com", "/")).isNull();
    }

    @Test
    void canaryBehaviourIsReadFromTheCanaryAndItsOwnAffinityIsIgnored() {
        BuildResult r = build(svc("ns/a", "10.0.0.1"), svc("ns/b", "10.0.0.2"),
                ingress("ns/main").created("2024-01-01T00:00:00Z").annotation(PREFIX + "/affinity", "cookie")
                        .host("a.com").path("/").backend("a", 80).host("b.com").path("/").backend("a", 80),
                ingress("ns/legacy").created("2024-01-02T00:00:00Z").canary()
                        .canary("affinity-canary-behavior", "legacy").canary("session-cookie-name", "other")
                        .host("a.com").path("/").backend("b", 80),
                ingress("ns/sticky").created("2024-01-03T00:00:00Z").canary()
                        .host("b.com").path("/").backend("b", 80));
        assertThat(r.table().route("a.com", "/").canary().legacyAffinity()).isTrue();
        assertThat(r.table().route("b.com", "/").canary().legacyAffinity()).isFalse();
        assertThat(affinity(r.table(), "a.com", "/").cookie().name()).isEqualTo("INGRESSCOOKIE");
        assertThat(r.warnings()).extracting(ConfigWarning::toString).containsExactly("Ingress ns/legacy: annotation "
                + PREFIX + "/session-cookie-name: \"other\" is ignored on a canary Ingress: the main Ingress's settings"
                + " apply, as in ingress-nginx");
    }

    @Test
    void stickyCanaryAnnotationsReachTheCanaryRule() {
        BuildResult r = build(svc("ns/a", "10.0.0.1"), svc("ns/b", "10.0.0.2"),
                ingress("ns/main").created("2024-01-01T00:00:00Z").host("a.com").path("/").backend("a", 80),
                ingress("ns/can").created("2024-01-02T00:00:00Z").canary().canary("canary-weight", "20")
                        .annotation("linnet.dev/canary-sticky-key", "header:X-User")
                        .host("a.com").path("/").backend("b", 80));
        assertThat(r.table().route("a.com", "/").canary().sticky())
                .isEqualTo(new dev.linnet.gateway.split.StickyCanary("X-User", null, "ns/can", "linnet_canary_id"));
        assertThat(r.warnings()).isEmpty();
    }
}
