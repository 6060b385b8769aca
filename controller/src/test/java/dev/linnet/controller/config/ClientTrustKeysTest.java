package dev.linnet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.gateway.proxy.ClientTrust;
import dev.linnet.gateway.proxy.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client-trust keys of the controller ConfigMap: values, defaults, and invalid values warned. */
class ClientTrustKeysTest {

    private static final ConfigMap HEADERS = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress")
            .withName("custom-headers").endMetadata()
            .withData(new LinkedHashMap<>(Map.of("X-Forwarded-Proto", "https", "A-Client", "$remote_addr",
                    "Bad Name", "x", "X-Injected", "a\r\nb: c", "X-Unknown-Var", "$upstream_addr")))
            .build();

    private record Read(ClientTrust trust, List<String> warnings) {
    }

    private static Read read(Map<String, String> data) {
        ConfigMap controller = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress").withName("linnet")
                .endMetadata().withData(data).build();
        ClusterLookup lookup = TestLookups.configMaps((namespace, name) -> namespace.equals("ingress")
                && name.equals("linnet") ? controller
                : namespace.equals("ingress") && name.equals("custom-headers") ? HEADERS : null);
        ControllerSettings s = ConfigMapReader.read(
                new ConfigMapOptions("ingress/linnet", GatewayConfig.defaults(), Set.of()), lookup);
        return new Read(s.gateway().clientTrust(), s.warnings().stream().map(ConfigWarning::message).toList());
    }

    private static boolean trusts(ClientTrust t, String address) throws Exception {
        return t.trustedPeers().allows(InetAddress.getByName(address));
    }

    @Test
    void defaultsAreIngressNginxs() throws Exception {
        Read r = read(Map.of());
        assertThat(r.trust()).isEqualTo(ClientTrust.DEFAULT);
        assertThat(r.trust().useForwardedHeaders()).isFalse();
        assertThat(r.trust().generateRequestId()).isTrue();
        assertThat(r.trust().originalUriHeader()).isFalse();
        assertThat(r.trust().forwardedForHeader().toString()).isEqualTo("X-Forwarded-For");
        assertThat(trusts(r.trust(), "203.0.113.9")).as("0.0.0.0/0").isTrue();
        assertThat(trusts(r.trust(), "2001:db8::1")).as("no IPv6").isFalse();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void valuesAreRead() throws Exception {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("use-forwarded-headers", "true");
        data.put("enable-real-ip", "True");
        data.put("forwarded-for-header", "CF-Connecting-IP");
        data.put("forwarded-host-header", "X-Host");
        data.put("compute-full-forwarded-for", "1");
        data.put("proxy-real-ip-cidr", "10.0.0.0/8, 2001:db8::/32");
        data.put("use-proxy-protocol", "true");
        data.put("forwarded-for-proxy-protocol-header", "X-Whatever");
        data.put("proxy-protocol-header-timeout", "1m30s");
        data.put("generate-request-id", "false");
        data.put("proxy-add-original-uri-header", "true");
        Read r = read(data);
        ClientTrust t = r.trust();
        assertThat(t.useForwardedHeaders()).isTrue();
        assertThat(t.enableRealIp()).isTrue();
        assertThat(t.forwardedForHeader().toString()).isEqualTo("CF-Connecting-IP");
        assertThat(t.forwardedHostHeader().toString()).isEqualTo("X-Host");
        assertThat(t.computeFullForwardedFor()).isTrue();
        assertThat(t.trustedPeers().entries()).containsExactly("10.0.0.0/8", "2001:db8::/32");
        assertThat(trusts(t, "203.0.113.9")).isFalse();
        assertThat(t.useProxyProtocol()).isTrue();
        assertThat(t.proxyProtocolTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(t.generateRequestId()).isFalse();
        assertThat(t.originalUriHeader()).isTrue();
        assertThat(r.warnings()).as("every key is known and implemented").isEmpty();
    }

    @Test
    void invalidBooleansKeepTheirDefaultsWithAWarning() {
        Read r = read(Map.of("use-forwarded-headers", "yes", "generate-request-id", "nope"));
        assertThat(r.trust().useForwardedHeaders()).isFalse();
        assertThat(r.trust().generateRequestId()).isTrue();
        assertThat(r.warnings()).anyMatch(w -> w.contains("use-forwarded-headers") && w.contains("\"yes\" is invalid"))
                .anyMatch(w -> w.contains("generate-request-id") && w.contains("using true"));
    }

    @Test
    void anInvalidCidrListNeverWidensTrust() throws Exception {
        Read partly = read(Map.of("proxy-real-ip-cidr", "10.0.0.0/8,10.0.0.0/33,example.com"));
        assertThat(partly.trust().trustedPeers().entries()).containsExactly("10.0.0.0/8");
        assertThat(partly.warnings()).anyMatch(w -> w.contains("proxy-real-ip-cidr")
                && w.contains("10.0.0.0/33,example.com") && w.contains("trusting only 10.0.0.0/8"));

        Read none = read(Map.of("proxy-real-ip-cidr", "0.0.0.0/-1"));
        assertThat(none.trust().trustedPeers().entries()).isEmpty();
        assertThat(trusts(none.trust(), "203.0.113.9")).as("not the trust-all default").isFalse();
        assertThat(none.warnings()).anyMatch(w -> w.contains("no peer is trusted"));

        Read separators = read(Map.of("proxy-real-ip-cidr", " , ,"));
        assertThat(trusts(separators.trust(), "203.0.113.9")).as("no entry is no peer, not the default").isFalse();
        assertThat(separators.warnings()).anyMatch(w -> w.contains("names no range") && w.contains("no peer is trusted"));
    }

    @Test
    void anInvalidForwardedForHeaderNamesNothingAClientCanSend() {
        Read r = read(Map.of("use-forwarded-headers", "true", "forwarded-for-header", "X Bad"));
        assertThat(r.trust().forwardedForHeader().toString()).isEqualTo("X Bad");
        assertThat(r.warnings()).anyMatch(w -> w.contains("forwarded-for-header") && w.contains("fail closed"));
    }

    @Test
    void computeFullForwardedForAloneIsWarned() {
        Read r = read(Map.of("compute-full-forwarded-for", "true"));
        assertThat(r.warnings()).anyMatch(w -> w.contains("compute-full-forwarded-for") && w.contains("no effect"));
    }

    @Test
    void anInvalidTimeoutKeepsTheDefault() {
        Read r = read(Map.of("proxy-protocol-header-timeout", "5"));
        assertThat(r.trust().proxyProtocolTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(r.warnings()).anyMatch(w -> w.contains("proxy-protocol-header-timeout") && w.contains("Go duration"));
        assertThat(ClientTrustKeys.GO_DURATION.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ClientTrustKeys.GO_DURATION.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ClientTrustKeys.GO_DURATION.parse("0s")).isNull();
        assertThat(ClientTrustKeys.GO_DURATION.parse("s")).isNull();
    }

    @Test
    void proxySetHeadersComeFromTheNamedConfigMapInKeyOrderWithoutTheUnsafeOnes() {
        Read r = read(Map.of("proxy-set-headers", "ingress/custom-headers"));
        assertThat(r.trust().proxySetHeaders()).extracting(h -> h.name() + "=" + h.value())
                .containsExactly("A-Client=$remote_addr", "X-Forwarded-Proto=https");
        assertThat(r.warnings()).anyMatch(w -> w.contains("\"Bad Name\"") && w.contains("not a header name"))
                .anyMatch(w -> w.contains("\"X-Injected\"") && w.contains("CR, LF or NUL"))
                .anyMatch(w -> w.contains("\"X-Unknown-Var\"") && w.contains("$upstream_addr"));
    }

    @Test
    void aMissingProxySetHeadersConfigMapAddsNothing() {
        Read missing = read(Map.of("proxy-set-headers", "ingress/nope"));
        assertThat(missing.trust().proxySetHeaders()).isEmpty();
        assertThat(missing.warnings()).anyMatch(w -> w.contains("ingress/nope") && w.contains("not found"));
        Read bad = read(Map.of("proxy-set-headers", "nope"));
        assertThat(bad.trust().proxySetHeaders()).isEmpty();
        assertThat(bad.warnings()).anyMatch(w -> w.contains("proxy-set-headers") && w.contains("namespace/name"));
    }
}
