package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.build;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.route.RouteTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The auth-url family through the builder: which routes get the policy, DENY or a dropped canary. */
class ExternalAuthBuildTest {

    private static final String AUTH_URL = Fixtures.PREFIX + "/auth-url";

    private static List<String> messages(BuildResult r) {
        return r.warnings().stream().map(w -> w.namespace() + "/" + w.name() + ": " + w.message()).toList();
    }

    @Test
    void e10_e21_aDeniedIngressLeavesOtherHostsServed() {
        BuildResult r = build(svc("ns/app", "10.0.0.1"),
                ingress("ns/denied").host("auth").path("/").backend("app", 80)
                        .annotation(AUTH_URL, "https://invalid..auth.url"),
                ingress("ns/other").host("other").path("/").backend("app", 80));
        RouteTable t = r.table();
        assertThat(t.route("auth", "/").policies().find(Deny.class).reason()).contains("invalid url host");
        assertThat(t.route("other", "/").policies().find(Deny.class)).isNull();
        assertThat(t.route("other", "/").policies().find(ExternalAuth.class)).isNull();
        assertThat(messages(r)).anySatisfy(m -> assertThat(m).startsWith("ns/denied: annotation "
                + "nginx.ingress.kubernetes.io/auth-url: \"https://invalid..auth.url\": could not parse auth-url"
                + " annotation: invalid url host"));
    }

    @Test
    void canaryTrafficUsesTheMainsAuthAndTheCanarysOwnIsIgnored() {
        BuildResult r = build(svc("ns/app", "10.0.0.1"), svc("ns/app-canary", "10.0.1.1"),
                ingress("ns/main").created("2024-01-01T00:00:00Z").host("h").path("/").backend("app", 80)
                        .annotation(AUTH_URL, "http://auth/main"),
                ingress("ns/canary").created("2024-01-02T00:00:00Z").canary().canary("canary-weight", "100")
                        .host("h").path("/").backend("app-canary", 80)
                        .annotation(AUTH_URL, "http://auth/canary"));
        var route = r.table().route("h", "/");
        assertThat(route.canary()).isNotNull();
        assertThat(route.policies().find(ExternalAuth.class).url()).isEqualTo(AuthTemplate.compile("http://auth/main"));
        assertThat(messages(r)).anySatisfy(m -> assertThat(m).startsWith("ns/canary: annotation "
                + "nginx.ingress.kubernetes.io/auth-url: \"http://auth/canary\" is ignored on a canary Ingress"));
    }

    @Test
    void aCanaryWithAnAuthUrlIngressNginxRefusesDoesNotAttach() {
        BuildResult r = build(svc("ns/app", "10.0.0.1"), svc("ns/app-canary", "10.0.1.1"),
                ingress("ns/main").created("2024-01-01T00:00:00Z").host("h").path("/").backend("app", 80),
                ingress("ns/canary").created("2024-01-02T00:00:00Z").canary().canary("canary-weight", "100")
                        .host("h").path("/").backend("app-canary", 80)
                        .annotation(AUTH_URL, "http://auth/%2F"));
        assertThat(r.table().route("h", "/").canary()).isNull();
    }
}
