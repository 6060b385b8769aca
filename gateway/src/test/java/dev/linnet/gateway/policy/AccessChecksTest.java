package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.SourceRanges;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A location's allow/deny lines are one list to nginx's access module: the deny list, the
 * allowlist's {@code allow …; deny all;}, then a snippet's rules, the first match deciding; no
 * match is {@code NGX_DECLINED}, neither a pass nor a failure. Under {@code satisfy any} only a
 * matching {@code allow} passes without the other checks (ngx_http_core_access_phase).
 */
class AccessChecksTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final TestBackend app = gw.backend("app");

    private void serve(Policy... policies) {
        gw.publish(table(withPolicies(route("a.test", "/", backend("app", app)), policies)));
    }

    private static SourceRanges ranges(String... entries) {
        return SourceRanges.of(List.of(entries));
    }

    private static AccessRules rules(AccessRules.Rule... rules) {
        return new AccessRules(List.of(rules));
    }

    private static BasicAuth basic() {
        return new BasicAuth("", Map.of("uname", "{PLAIN}pwd"));
    }

    private int status(String... headers) {
        return gw.get("a.test", "/", headers).statusCode();
    }

    private static String credentials() {
        return "Basic " + Base64.getEncoder().encodeToString("uname:pwd".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void underSatisfyAnyASnippetAllowThatDoesNotMatchLeavesTheAuthToDecide() {
        serve(rules(new AccessRules.Rule(true, ranges("10.0.0.0/8"))), basic(), Satisfy.ANY);
        assertThat(status()).as("127.0.0.1 matches no rule: basic auth still asks").isEqualTo(401);
        assertThat(status("Authorization", credentials())).isEqualTo(200);
        serve(rules(new AccessRules.Rule(true, ranges("127.0.0.0/8"))), basic(), Satisfy.ANY);
        assertThat(status()).as("a matching allow passes alone").isEqualTo(200);
    }

    @Test
    void underSatisfyAnyADenyListThatDoesNotMatchLeavesTheAuthToDecide() {
        serve(AccessList.denying(ranges("10.0.0.0/8")), basic(), Satisfy.ANY);
        assertThat(status()).isEqualTo(401);
        assertThat(status("Authorization", credentials())).isEqualTo(200);
    }

    @Test
    void underSatisfyAnyASnippetAllowAfterTheAllowlistsDenyAllPassesNobody() {
        // nginx: allow 10.0.0.0/8; deny all; allow 127.0.0.0/8; — the deny all matches first
        serve(new AccessList(ranges("10.0.0.0/8")), rules(new AccessRules.Rule(true, ranges("127.0.0.0/8"))),
                basic(), Satisfy.ANY);
        assertThat(status()).isEqualTo(401);
        assertThat(status("Authorization", credentials())).isEqualTo(200);
        // nginx: deny 127.0.0.0/8; allow 127.0.0.1; — the deny list's line matches first
        serve(AccessList.denying(ranges("127.0.0.0/8")), rules(new AccessRules.Rule(true, ranges("127.0.0.1"))),
                basic(), Satisfy.ANY);
        assertThat(status()).isEqualTo(401);
    }

    @Test
    void theAllowlistsAllowIsFinalForTheSnippetsRulesAfterIt() {
        // nginx: allow 127.0.0.0/8; deny all; deny 127.0.0.1; — the allow matches first
        serve(new AccessList(ranges("127.0.0.0/8")), rules(new AccessRules.Rule(false, ranges("127.0.0.1"))));
        assertThat(status()).isEqualTo(200);
        serve(AccessList.denying(ranges("10.0.0.0/8")), rules(new AccessRules.Rule(false, null)));
        assertThat(status()).as("the deny list matches nothing: the snippet's deny all decides").isEqualTo(403);
    }

    @Test
    void underSatisfyAnyChecksThatAllDeclinePass() {
        serve(rules(new AccessRules.Rule(false, ranges("10.0.0.0/8"))), Satisfy.ANY);
        assertThat(status()).isEqualTo(200);
        assertThat(app.seen()).hasSize(1);
    }
}
