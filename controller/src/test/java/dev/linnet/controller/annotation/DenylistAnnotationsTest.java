package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.route.SourceRanges;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** annotations-spec.md §5.4: the deny list goes in front of the allowlist; one invalid entry is DENY (503). */
class DenylistAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private final List<String> warnings = new ArrayList<>();

    private IngressPolicies parse(String... kv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            a.put(P + "/" + kv[i], kv[i + 1]);
        }
        return PolicyAnnotations.parse(a, P, "ns", ClusterLookup.EMPTY, warnings::add);
    }

    @Test
    void aDenyListAlone() {
        assertThat(parse("denylist-source-range", "18.0.0.0/8, 56.0.0.1").routes().find(AccessList.class))
                .isEqualTo(AccessList.denying(SourceRanges.of(List.of("18.0.0.0/8", "56.0.0.1"))));
        assertThat(warnings).isEmpty();
    }

    @Test
    void d10_theDenyListIsInFrontOfTheAllowlist() {
        assertThat(parse("denylist-source-range", "18.1.0.0/16,56.0.0.0/8", "whitelist-source-range",
                "18.0.0.0/8, 55.0.0.0/8").routes().find(AccessList.class)).isEqualTo(new AccessList(
                SourceRanges.of(List.of("18.1.0.0/16", "56.0.0.0/8")), SourceRanges.of(List.of("18.0.0.0/8", "55.0.0.0/8"))));
    }

    @Test
    void anInvalidEntryDeniesTheIngress() {
        IngressPolicies p = parse("denylist-source-range", "10.0.0.0/8, 10.0.0.0/33", "enable-cors", "true");
        assertThat(p.routes().all()).singleElement().isInstanceOf(Deny.class);
        assertThat(warnings).singleElement().asString().contains("\"10.0.0.0/33\" is invalid")
                .contains("every path of this Ingress answers 503");
    }

    @Test
    void blankIsAbsentAndTheConfigMapsListIsTheFallback() {
        assertThat(parse("denylist-source-range", " ").routes().find(AccessList.class)).isNull();
        List<String> denied = new ArrayList<>();
        assertThat(AccessAnnotations.withDenylist(Map.of(), P, null, "1.2.3.4", denied::add))
                .isEqualTo(AccessList.denying(SourceRanges.of(List.of("1.2.3.4"))));
        assertThat(denied).isEmpty();
        AccessAnnotations.withDenylist(Map.of(), P, null, "nope", denied::add);
        assertThat(denied).singleElement().asString().startsWith("ConfigMap key denylist-source-range");
    }

    /** The controller ConfigMap's denylist-source-range reaches every Ingress without its own; an unusable one denies. */
    @Test
    void theConfigMapsDenyListIsEveryIngresssDefaultAndFailsClosed() {
        AnnotationDefaults denying = withDenylist("18.0.0.0/8");
        assertThat(PolicyAnnotations.parse(Map.of(), P, "ns", ClusterLookup.EMPTY, warnings::add, denying).routes()
                .find(AccessList.class)).isEqualTo(AccessList.denying(SourceRanges.of(List.of("18.0.0.0/8"))));
        assertThat(PolicyAnnotations.parse(Map.of(P + "/denylist-source-range", "56.0.0.1"), P, "ns",
                ClusterLookup.EMPTY, warnings::add, denying).routes().find(AccessList.class)).as("the annotation wins")
                .isEqualTo(AccessList.denying(SourceRanges.of(List.of("56.0.0.1"))));
        assertThat(warnings).isEmpty();

        IngressPolicies broken = PolicyAnnotations.parse(Map.of(), P, "ns", ClusterLookup.EMPTY, warnings::add,
                withDenylist("18.0.0.0/8, nonsense"));
        assertThat(broken.routes().all()).singleElement().isInstanceOf(Deny.class);
        assertThat(warnings).singleElement().asString().startsWith("ConfigMap key denylist-source-range:")
                .contains("\"nonsense\" is invalid");
    }

    private static AnnotationDefaults withDenylist(String denylist) {
        AnnotationDefaults d = AnnotationDefaults.DEFAULT;
        return new AnnotationDefaults(d.sslRedirect(), d.forceSslRedirect(), d.noTlsRedirectLocations(), d.allowlist(),
                d.loadBalance(), d.globalAuth(), d.noAuthLocations(), d.requestBuffering(), d.serviceUpstream(),
                d.relativeRedirects(), denylist, d.rewrites(), d.http10());
    }
}
