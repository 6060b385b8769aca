package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.build.Fixtures.IngressFixture;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.StickyCanary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code linnet.dev/multi-canary} on the main Ingress: every canary of the rule takes part (issue 17 §3). */
class MultiCanaryAttachmentTest {

    private static final List<Object> SERVICES = List.of(svc("ns/main", "10.0.0.1"), svc("ns/svc-1", "10.0.1.1"),
            svc("ns/svc-2", "10.0.2.1"), svc("ns/svc-3", "10.0.3.1"));

    private static IngressFixture main() {
        return ingress("ns/main").created("2024-01-01T00:00:00Z").annotation("linnet.dev/multi-canary", "true")
                .host("foo").path("/").backend("main", 80);
    }

    private static IngressFixture canary(String name, String created, String service, String weight) {
        return ingress("ns/" + name).created(created).canary().canary("canary-weight", weight)
                .host("foo").path("/").backend(service, 80);
    }

    private static BuildResult build(Object... objects) {
        return Fixtures.build(SERVICES, List.of(objects));
    }

    private static List<String> messages(BuildResult r) {
        return r.warnings().stream().map(w -> w.namespace() + "/" + w.name() + ": " + w.message()).toList();
    }

    @Test
    void everyCanaryAttachesOldestFirst() {
        BuildResult r = build(
                canary("zz-newest", "2024-03-01T00:00:00Z", "svc-3", "30"),
                main(),
                canary("aa-middle", "2024-02-01T00:00:00Z", "svc-2", "20"),
                canary("mm-oldest", "2024-01-15T00:00:00Z", "svc-1", "10"));
        Route route = r.table().route("foo", "/");
        assertThat(route.multiCanary().canaries()).extracting(CanaryRule::ingress)
                .containsExactly("mm-oldest", "aa-middle", "zz-newest");
        assertThat(route.canary().ingress()).isEqualTo("mm-oldest");
        assertThat(route.canaryCount()).isEqualTo(3);
        assertThat(route.multiCanary().sticky()).isNull();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void withoutTheAnnotationOnlyTheOldestCountsAndTheOthersAreWarned() {
        BuildResult r = build(
                ingress("ns/main").created("2024-01-01T00:00:00Z").host("foo").path("/").backend("main", 80),
                canary("c1", "2024-01-02T00:00:00Z", "svc-1", "10"),
                canary("c2", "2024-01-03T00:00:00Z", "svc-2", "20"),
                canary("c3", "2024-01-04T00:00:00Z", "svc-3", "30"));
        Route route = r.table().route("foo", "/");
        assertThat(route.multiCanary()).isNull();
        assertThat(route.canary().ingress()).isEqualTo("c1");
        assertThat(messages(r)).containsExactly(
                "ns/c2: host foo path / (Prefix): route already has canary ns/c1; only one canary per rule, this one is ignored",
                "ns/c3: host foo path / (Prefix): route already has canary ns/c1; only one canary per rule, this one is ignored");
    }

    @Test
    void anInvalidValueIsWarnedAndLeavesOneCanary() {
        BuildResult r = build(main().annotation("linnet.dev/multi-canary", "yes"),
                canary("c1", "2024-01-02T00:00:00Z", "svc-1", "10"),
                canary("c2", "2024-01-03T00:00:00Z", "svc-2", "20"));
        assertThat(r.table().route("foo", "/").multiCanary()).isNull();
        assertThat(messages(r)).containsExactly(
                "ns/main: annotation linnet.dev/multi-canary: \"yes\" is invalid (expected: true or false); using false",
                "ns/c2: host foo path / (Prefix): route already has canary ns/c1; only one canary per rule, this one is ignored");
    }

    @Test
    void falseIsTheIngressNginxBehaviour() {
        BuildResult r = build(main().annotation("linnet.dev/multi-canary", "false"),
                canary("c1", "2024-01-02T00:00:00Z", "svc-1", "10"));
        assertThat(r.table().route("foo", "/").multiCanary()).isNull();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void theStickySettingsAreTheMainIngresssAndTheCanariesOwnAreWarnedAsIgnored() {
        BuildResult r = build(main().annotation("linnet.dev/canary-sticky-key", "header:X-User"),
                canary("c1", "2024-01-02T00:00:00Z", "svc-1", "10")
                        .annotation("linnet.dev/canary-sticky-key", "cookie")
                        .annotation("linnet.dev/canary-sticky-seed", "mine"),
                canary("c2", "2024-01-03T00:00:00Z", "svc-2", "20"));
        Route route = r.table().route("foo", "/");
        assertThat(route.multiCanary().sticky())
                .isEqualTo(new StickyCanary("X-User", null, "ns/main", StickyCanary.DEFAULT_COOKIE));
        assertThat(route.stickyCanary()).isSameAs(route.multiCanary().sticky());
        assertThat(route.canary().sticky()).isNull();
        assertThat(messages(r)).containsExactly(
                "ns/c1: annotation linnet.dev/canary-sticky-key: \"cookie\" is ignored: the main Ingress ns/main has"
                        + " linnet.dev/multi-canary, so its own sticky settings key every canary's draw",
                "ns/c1: annotation linnet.dev/canary-sticky-seed: \"mine\" is ignored: the main Ingress ns/main has"
                        + " linnet.dev/multi-canary, so its own sticky settings key every canary's draw");
    }

    @Test
    void weightsOverTheWholeAreWarnedOnceOnTheCanaryThatOverflows() {
        BuildResult r = build(main(),
                canary("c1", "2024-01-02T00:00:00Z", "svc-1", "60"),
                canary("c2", "2024-01-03T00:00:00Z", "svc-2", "60"),
                canary("c3", "2024-01-04T00:00:00Z", "svc-3", "10"));
        assertThat(r.table().route("foo", "/").multiCanary().overfull()).isTrue();
        assertThat(messages(r)).containsExactly("ns/c2: host foo path / (Prefix): route: the canary weights add up"
                + " to more than the whole (ns/c1 60/100 + ns/c2 60/100); the intervals are capped at 1, so this one"
                + " gets only what is left");
    }

    @Test
    void theAnnotationOnACanaryIsWarnedAsIgnored() {
        BuildResult r = build(ingress("ns/main").host("foo").path("/").backend("main", 80),
                canary("c1", "2024-01-02T00:00:00Z", "svc-1", "10").annotation("linnet.dev/multi-canary", "true"));
        assertThat(messages(r)).containsExactly(
                "ns/c1: annotation linnet.dev/multi-canary: \"true\" has effect only on the main Ingress; ignored");
    }

    @Test
    void theCatchAllTakesSeveralCanariesToo() {
        BuildResult r = build(
                ingress("ns/main").annotation("linnet.dev/multi-canary", "true").defaultBackend("main", 80),
                ingress("ns/c1").created("2024-01-01T00:00:00Z").canary().defaultBackend("svc-1", 80),
                ingress("ns/c2").created("2024-01-02T00:00:00Z").canary().defaultBackend("svc-2", 80));
        assertThat(r.table().defaultServer().fallback().multiCanary().canaries()).extracting(CanaryRule::ingress)
                .containsExactly("c1", "c2");
        assertThat(r.warnings()).isEmpty();
    }
}
