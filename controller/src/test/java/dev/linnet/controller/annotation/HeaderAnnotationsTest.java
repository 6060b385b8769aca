package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.ForwardedPrefix;
import dev.linnet.gateway.policy.ProxyRedirect;
import dev.linnet.gateway.policy.ResponseHeaderEdits;
import dev.linnet.gateway.policy.UpstreamHeaders;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The header annotations' parser (annotations-spec.md §3.2–§3.4, §3.6, §3.7): values, outcomes, warnings. */
class HeaderAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";
    private final List<String> warnings = new ArrayList<>();

    private static final ClusterLookup HEADERS = new ClusterLookup() {
        @Override
        public io.fabric8.kubernetes.api.model.Secret secret(String namespace, String name) {
            return null;
        }

        @Override
        public ConfigMap configMap(String namespace, String name) {
            return namespace.equals("ns") && name.equals("h") ? new ConfigMapBuilder().withNewMetadata()
                    .withName("h").withNamespace("ns").endMetadata()
                    .withData(Map.of("X-A", "1", "X-B", "$host")).build() : null;
        }
    };

    private IngressPolicies parse(Map<String, String> annotations, Set<String> allowed) {
        PolicyCollector c = new PolicyCollector(annotations, P, "ns", HEADERS, warnings::add, AnnotationDefaults.DEFAULT);
        HeaderAnnotations.parse(c, allowed);
        return c.result();
    }

    @Test
    void customHeadersNeedEveryNameInTheAllowList() {
        IngressPolicies all = parse(Map.of(P + "/custom-headers", "ns/h"), Set.of("X-A", "X-B"));
        ResponseHeaderEdits edits = all.routes().find(ResponseHeaderEdits.class);
        assertThat(edits.edits()).extracting(ResponseHeaderEdits.Edit::name).containsExactly("X-A", "X-B");
        assertThat(edits.edits().get(1).value().constant()).as("$ is literal").isTrue();
        assertThat(warnings).isEmpty();

        IngressPolicies partial = parse(Map.of(P + "/custom-headers", "ns/h"), Set.of("X-A", "x-b"));
        assertThat(partial.routes().find(Deny.class)).as("case-sensitive names").isNotNull();
        assertThat(warnings).singleElement().asString().contains("key \"X-B\" of ConfigMap ns/h")
                .contains("global-allowed-response-headers").contains("503");
    }

    @Test
    void customHeadersWithTheDefaultEmptyListOrAMissingConfigMapDeny() {
        assertThat(parse(Map.of(P + "/custom-headers", "ns/h"), Set.of()).routes().find(Deny.class)).isNotNull();
        assertThat(parse(Map.of(P + "/custom-headers", "h"), Set.of("X-A", "X-B")).routes().find(Deny.class))
                .as("a bare name is the Ingress's namespace").isNull();
        assertThat(parse(Map.of(P + "/custom-headers", "ns/missing"), Set.of("X-A")).routes().find(Deny.class))
                .isNotNull();
    }

    @Test
    void invalidValuesKeepTheDefaultWithAWarning() {
        IngressPolicies p = parse(Map.of(P + "/upstream-vhost", "a b", P + "/connection-proxy-header", "upgrade",
                P + "/x-forwarded-prefix", "/p?x", P + "/proxy-redirect-from", "a b<", P + "/proxy-redirect-to", "x",
                P + "/proxy-cookie-domain", "one"), Set.of());
        assertThat(p.routes().isEmpty()).isTrue();
        assertThat(warnings).hasSize(5).allSatisfy(w -> assertThat(w).startsWith("annotation " + P + "/"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("connection-proxy-header: \"upgrade\" is invalid")
                .contains("ingress-nginx would not serve this Ingress at all"));
    }

    @Test
    void validValuesBecomePolicies() {
        IngressPolicies p = parse(Map.of(P + "/upstream-vhost", "$service_name.$namespace.svc",
                P + "/connection-proxy-header", "close", P + "/x-forwarded-prefix", "/api/$1",
                P + "/proxy-redirect-from", "http://a/", P + "/proxy-redirect-to", "https://b/",
                P + "/proxy-cookie-path", "/one/ /"), Set.of());
        assertThat(p.routes().find(UpstreamHeaders.class).edits()).extracting(UpstreamHeaders.Edit::name)
                .containsExactly("Host", "Connection");
        assertThat(p.routes().find(ForwardedPrefix.class).value().source()).isEqualTo("/api/$1");
        assertThat(p.routes().find(ProxyRedirect.class)).isEqualTo(new ProxyRedirect("http://a/", "https://b/", null,
                null, "/one/", "/"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void redirectToOffOrFromDefaultDoNothing() {
        assertThat(parse(Map.of(P + "/proxy-redirect-from", "http://a/", P + "/proxy-redirect-to", "off"), Set.of())
                .routes().isEmpty()).isTrue();
        assertThat(parse(Map.of(P + "/proxy-redirect-from", "default", P + "/proxy-redirect-to", "x"), Set.of())
                .routes().isEmpty()).isTrue();
    }

    /**
     * The controller ConfigMap's keys of the same names are the defaults, key by key: an absent or
     * invalid annotation takes the ConfigMap's value, a valid one (off included) wins.
     */
    @Test
    void theConfigMapsRewritesAreTheDefaultsKeyByKey() {
        AnnotationDefaults.Rewrites configMap = new AnnotationDefaults.Rewrites("http://internal/", "https://public/",
                "localhost example.org", "/one/ /");
        AnnotationDefaults defaults = new AnnotationDefaults(true, false, List.of(), null, "round_robin", null,
                List.of(), true, false, false, null, configMap, false);
        PolicyCollector none = new PolicyCollector(Map.of(), P, "ns", HEADERS, warnings::add, defaults);
        HeaderAnnotations.parse(none, Set.of());
        assertThat(none.result().routes().find(ProxyRedirect.class)).isEqualTo(new ProxyRedirect("http://internal/",
                "https://public/", "localhost", "example.org", "/one/", "/"));

        PolicyCollector own = new PolicyCollector(Map.of(P + "/proxy-redirect-to", "https://mine/",
                P + "/proxy-cookie-path", "off", P + "/proxy-cookie-domain", "one"), P, "ns", HEADERS, warnings::add,
                defaults);
        HeaderAnnotations.parse(own, Set.of());
        assertThat(own.result().routes().find(ProxyRedirect.class)).as("from the ConfigMap, to the annotation's;"
                + " an invalid domain takes the ConfigMap's; path off wins").isEqualTo(new ProxyRedirect(
                "http://internal/", "https://mine/", "localhost", "example.org", null, null));
        assertThat(warnings).containsExactly("annotation " + P + "/proxy-cookie-domain: \"one\" is invalid"
                + " (expected: FROM TO, or off); using \"localhost example.org\" (the ConfigMap's default)");
    }
}
