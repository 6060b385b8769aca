package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.EndpointPolicy;
import dev.linnet.gateway.policy.Ewma;
import dev.linnet.gateway.policy.HashBy;
import dev.linnet.gateway.policy.HashKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which balancer a route gets (affinity-spec.md §3, catalogue A40, A24, A67). */
class BalanceAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private final List<String> warnings = new ArrayList<>();

    private EndpointPolicy parse(String... kv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            a.put(P + "/" + kv[i], kv[i + 1]);
        }
        return BalanceAnnotations.parse(a, P, warnings::add);
    }

    @Test
    void a40_a66_implementationChoice() {
        assertThat(parse("upstream-hash-by", "$request_uri", "load-balance", "round_robin"))
                .isEqualTo(new HashBy(HashKey.parse("$request_uri"), 0));
        assertThat(parse("upstream-hash-by", "$request_uri", "upstream-hash-by-subset", "true"))
                .isEqualTo(new HashBy(HashKey.parse("$request_uri"), 3));
        assertThat(parse("upstream-hash-by", "$request_uri", "upstream-hash-by-subset", "true",
                "upstream-hash-by-subset-size", "0")).as("0 counts as 3").isEqualTo(new HashBy(HashKey.parse("$request_uri"), 3));
        assertThat(warnings).isEmpty();
        assertThat(parse("affinity", "cookie", "upstream-hash-by", "$request_uri", "load-balance", "ewma"))
                .as("affinity wins").isNull();
        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("takes precedence"));
    }

    @Test
    void a24_ewmaGivesTheEwmaBalancerWithoutAWarning() {
        assertThat(parse("load-balance", "ewma")).isEqualTo(Ewma.of());
        assertThat(parse("load-balance", " ewma ")).as("blanks around").isEqualTo(Ewma.of());
        assertThat(warnings).isEmpty();
    }

    @Test
    void anEwmaIngressGivesItsRoutesTheEwmaEndpointPolicy() {
        Map<String, String> a = Map.of(P + "/load-balance", "ewma");
        IngressPolicies policies = PolicyAnnotations.parse(a, P, "ns", ClusterLookup.EMPTY, warnings::add);
        assertThat(policies.routes().endpoint()).isEqualTo(Ewma.of());
        assertThat(PolicyAnnotations.parse(Map.of(), P, "ns", ClusterLookup.EMPTY, warnings::add).routes().endpoint())
                .as("no annotation: the round robin").isNull();
        assertThat(warnings).isEmpty();
    }

    @Test
    void ewmaYieldsToAffinityThenToUpstreamHashByAsInIngressNginx() {
        assertThat(parse("affinity", "cookie", "load-balance", "ewma")).as("affinity wins").isNull();
        assertThat(warnings).containsExactly("annotation " + P + "/load-balance: \"ewma\" is ignored: "
                + P + "/affinity takes precedence, as in ingress-nginx");
        warnings.clear();
        assertThat(parse("upstream-hash-by", "$request_uri", "load-balance", "ewma"))
                .isEqualTo(new HashBy(HashKey.parse("$request_uri"), 0));
        assertThat(warnings).containsExactly("annotation " + P + "/load-balance: \"ewma\" is ignored: "
                + P + "/upstream-hash-by takes precedence, as in ingress-nginx");
        warnings.clear();
        assertThat(parse("upstream-hash-by", "$request_uri", "upstream-hash-by-subset", "true", "load-balance", "ewma"))
                .as("A40: hash-by + subset + ewma -> chashsubset").isEqualTo(new HashBy(HashKey.parse("$request_uri"), 3));
        assertThat(warnings).singleElement().asString().contains("takes precedence");
    }

    @Test
    void a67_anInvalidLoadBalanceKeepsTheIngressServed() {
        assertThat(parse("load-balance", "least_conn")).isNull();
        assertThat(warnings).singleElement().asString().contains("load-balance: \"least_conn\" is invalid")
                .contains("using round_robin");
        warnings.clear();
        assertThat(parse("load-balance", "chash")).isNull();
        assertThat(warnings).singleElement().asString().contains("does nothing alone");
    }

    @Test
    void invalidOrUnknownHashKeys() {
        assertThat(parse("upstream-hash-by", "$request_uri/x")).isNull();
        assertThat(warnings).singleElement().asString().contains("upstream-hash-by: \"$request_uri/x\" is invalid");
        warnings.clear();
        assertThat(parse("upstream-hash-by", "$binary_remote_addr")).isNotNull();
        assertThat(warnings).singleElement().asString().contains("[binary_remote_addr] are not known to Linnet");
        warnings.clear();
        assertThat(parse("upstream-hash-by-subset", "true")).isNull();
        assertThat(warnings).singleElement().asString().contains("has no effect without");
    }
}
