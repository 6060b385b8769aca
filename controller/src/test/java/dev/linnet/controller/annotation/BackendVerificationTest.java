package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Deny;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code proxy-ssl-verify: "on"} is not implemented: over TLS to the pod, the Ingress answers 503
 * rather than being served to whichever certificate answers (security settings fail closed).
 */
class BackendVerificationTest {

    private static final String P = "nginx.ingress.kubernetes.io";
    private static final ClusterLookup NONE = new ClusterLookup() {
        @Override
        public Secret secret(String namespace, String name) {
            return null;
        }

        @Override
        public ConfigMap configMap(String namespace, String name) {
            return null;
        }
    };

    private static IngressPolicies parse(Map<String, String> annotations, List<String> warnings) {
        return PolicyAnnotations.parse(annotations, P, "ns", NONE, warnings::add);
    }

    @Test
    void verifyOnOverTlsDeniesTheIngress() {
        for (String protocol : List.of("HTTPS", " grpcs ")) {
            List<String> warnings = new ArrayList<>();
            IngressPolicies p = parse(Map.of(P + "/proxy-ssl-verify", "on", P + "/backend-protocol", protocol,
                    P + "/proxy-ssl-secret", "ns/ca"), warnings);
            assertThat(p.routes().find(Deny.class)).as(protocol).isNotNull();
            assertThat(warnings).singleElement().asString().contains("proxy-ssl-verify").contains("503");
        }
    }

    @Test
    void offPlainHttpOrNoSecretChangesNothing() {
        List<String> warnings = new ArrayList<>();
        assertThat(parse(Map.of(P + "/proxy-ssl-verify", "off", P + "/backend-protocol", "HTTPS"), warnings).routes()
                .find(Deny.class)).isNull();
        assertThat(parse(Map.of(P + "/proxy-ssl-verify", "on", P + "/proxy-ssl-secret", "ns/ca"), warnings).routes()
                .find(Deny.class)).as("nginx verifies nothing over plain HTTP either").isNull();
        assertThat(parse(Map.of(P + "/proxy-ssl-verify", "on", P + "/backend-protocol", "HTTPS"), warnings).routes()
                .find(Deny.class)).as("without proxy-ssl-secret ingress-nginx drops the proxy-ssl settings").isNull();
        assertThat(warnings).isEmpty();
    }
}
