package dev.linnet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.proxy.ResponseHeaders;
import dev.linnet.gateway.tls.TlsPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ResponseKeys: hsts*, server-tokens, allow-backend-server-header, add-headers, ssl-protocols, ssl-ciphers. */
class ResponseKeysTest {

    private static final String TLS12 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";

    private static ConfigMap configMap(String namespace, String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withData(data).build();
    }

    /** The controller ConfigMap ingress-nginx/controller with {@code data}, and {@code others} to look up. */
    private static ControllerSettings read(Map<String, String> data, ConfigMap... others) {
        ConfigMap controller = configMap("ingress-nginx", "controller", data);
        ClusterLookup lookup = TestLookups.configMaps((namespace, name) -> {
            for (ConfigMap c : List.of(others)) {
                if (c.getMetadata().getNamespace().equals(namespace) && c.getMetadata().getName().equals(name)) {
                    return c;
                }
            }
            return namespace.equals("ingress-nginx") && name.equals("controller") ? controller : null;
        });
        return ConfigMapReader.read(new ConfigMapOptions("ingress-nginx/controller", GatewayConfig.defaults(), Set.of()),
                lookup);
    }

    private static ResponseHeaders headers(ControllerSettings s) {
        return s.gateway().responseHeaders();
    }

    private static List<String> messages(ControllerSettings s) {
        return s.warnings().stream().map(ConfigWarning::message).toList();
    }

    @Test
    void withoutKeysEverythingIsIngressNginxsDefault() {
        ControllerSettings s = read(Map.of());
        assertThat(headers(s)).isEqualTo(ResponseHeaders.DEFAULT);
        assertThat(headers(s).hsts()).isEqualTo("max-age=31536000; includeSubDomains");
        assertThat(headers(s).server()).as("server-tokens: false").isNull();
        assertThat(s.gateway().tlsPolicy()).isEqualTo(TlsPolicy.DEFAULT);
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void s1_s2_s3_theHstsKeysComposeTheValue() {
        assertThat(headers(read(Map.of("hsts-max-age", "86400"))).hsts()).isEqualTo("max-age=86400; includeSubDomains");
        assertThat(headers(read(Map.of("hsts-max-age", "86400", "hsts-include-subdomains", "false"))).hsts())
                .isEqualTo("max-age=86400");
        assertThat(headers(read(Map.of("hsts-max-age", "86400", "hsts-include-subdomains", "false",
                "hsts-preload", "true"))).hsts()).isEqualTo("max-age=86400; preload");
        ControllerSettings off = read(Map.of("hsts", "false", "hsts-max-age", "86400"));
        assertThat(headers(off).hsts()).isNull();
        assertThat(off.warnings()).as("every key read, none reported as ignored").isEmpty();
    }

    @Test
    void aNonDigitMaxAgeSendsNoHeaderWithAWarning() {
        ControllerSettings s = read(Map.of("hsts-max-age", "1y"));
        assertThat(headers(s).hsts()).isNull();
        assertThat(messages(s)).singleElement().asString().contains("hsts-max-age", "\"1y\"",
                "no Strict-Transport-Security header");
    }

    @Test
    void anInvalidBooleanKeepsTheDefaultWithAWarning() {
        ControllerSettings s = read(Map.of("hsts-include-subdomains", "yes", "server-tokens", "on"));
        assertThat(headers(s).hsts()).isEqualTo("max-age=31536000; includeSubDomains");
        assertThat(headers(s).server()).isNull();
        assertThat(messages(s)).hasSize(2).anySatisfy(m -> assertThat(m).contains("hsts-include-subdomains", "\"yes\""))
                .anySatisfy(m -> assertThat(m).contains("server-tokens", "\"on\""));
    }

    @Test
    void s15_serverTokensNameLinnetAndItsVersion() {
        ResponseHeaders h = headers(read(Map.of("server-tokens", "true", "allow-backend-server-header", "true")));
        assertThat(h.server()).startsWith("linnet/").isEqualTo(ResponseKeys.SERVER);
        assertThat(h.backendServer()).isTrue();
    }

    @Test
    void addHeadersComeFromTheNamedConfigMap() {
        ControllerSettings s = read(Map.of("add-headers", "ingress-nginx/custom"), configMap("ingress-nginx", "custom",
                Map.of("X-Frame-Options", "DENY", "X-Host", "$hostname", "Bad Name", "x", "X-Bad-Value", "a\u00e9",
                "Content-Length", "0")));
        assertThat(headers(s).add()).extracting(h -> h.name() + ": " + h.value())
                .containsExactly("X-Frame-Options: DENY", "X-Host: $hostname");
        assertThat(messages(s)).hasSize(4)
                .anySatisfy(m -> assertThat(m).contains("\"Bad Name\"", "skipped"))
                .anySatisfy(m -> assertThat(m).contains("\"Content-Length\"", "skipped"))
                .anySatisfy(m -> assertThat(m).contains("\"X-Bad-Value\"", "skipped"))
                .anySatisfy(m -> assertThat(m).contains("X-Host", "literally"));
    }

    @Test
    void aMissingAddHeadersConfigMapAddsNothingWithAWarning() {
        ControllerSettings s = read(Map.of("add-headers", "ingress-nginx/missing"));
        assertThat(headers(s).add()).isEmpty();
        assertThat(messages(s)).singleElement().asString().contains("add-headers", "ingress-nginx/missing", "not found");
        assertThat(messages(read(Map.of("add-headers", "no-slash")))).singleElement().asString().contains("not found");
    }

    @Test
    void s5_openSslNamesAreMapped() {
        TlsPolicy p = read(Map.of("ssl-protocols", "TLSv1.2", "ssl-ciphers",
                "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-SHA")).gateway().tlsPolicy();
        assertThat(p.protocols()).containsExactly("TLSv1.2");
        assertThat(p.ciphers()).containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256", TLS12, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
    }

    @Test
    void unknownNamesAreSkippedWithAWarning() {
        ControllerSettings s = read(Map.of("ssl-protocols", "SSLv3 TLSv1.3 TLSv1.2", "ssl-ciphers",
                "HIGH:!aNULL:ECDHE-RSA-AES256-GCM-SHA384"));
        assertThat(s.gateway().tlsPolicy().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(s.gateway().tlsPolicy().ciphers()).contains(TLS12).hasSize(4);
        assertThat(messages(s)).hasSize(3).anySatisfy(m -> assertThat(m).contains("\"SSLv3\"", "skipped"))
                .anySatisfy(m -> assertThat(m).contains("\"HIGH\"", "skipped"))
                .anySatisfy(m -> assertThat(m).contains("\"!aNULL\"", "skipped"));
    }

    @Test
    void nothingUsableLeftGivesTheDefaultsNeverAListenerWithoutProtocols() {
        ControllerSettings s = read(Map.of("ssl-protocols", "SSLv2 SSLv3", "ssl-ciphers", "HIGH:MEDIUM"));
        assertThat(s.gateway().tlsPolicy()).isEqualTo(TlsPolicy.DEFAULT);
        assertThat(messages(s)).anySatisfy(m -> assertThat(m).contains("ssl-protocols", "using TLSv1.3 TLSv1.2"))
                .anySatisfy(m -> assertThat(m).contains("ssl-ciphers", "using the default"));
    }

    @Test
    void tls13AloneNeedsNoTls12Suite() {
        ControllerSettings s = read(Map.of("ssl-protocols", "TLSv1.3", "ssl-ciphers", "HIGH"));
        assertThat(s.gateway().tlsPolicy().protocols()).containsExactly("TLSv1.3");
        assertThat(s.gateway().tlsPolicy().ciphers()).containsExactlyElementsOf(TlsPolicy.TLS13_CIPHERS);
    }

    @Test
    void hideHeadersKeepsTokenNamesAndWarnsAboutEachOtherName() {
        ControllerSettings s = read(Map.of("hide-headers", " X-Powered-By, ,X Bad, Server,x-powered-by, X-Runtime:"));
        assertThat(headers(s).hide()).containsExactly("x-powered-by", "server");
        assertThat(messages(s)).hasSize(2).allSatisfy(m -> assertThat(m).contains("hide-headers", "skipped"));
        assertThat(messages(s)).anySatisfy(m -> assertThat(m).contains("\"X Bad\""))
                .anySatisfy(m -> assertThat(m).contains("\"X-Runtime:\""));
    }

    @Test
    void allowBackendServerHeaderTakesServerOffTheHideList() {
        ControllerSettings s = read(Map.of("hide-headers", "Server, X-Powered-By", "allow-backend-server-header", "true",
                "server-tokens", "true"));
        assertThat(headers(s).hide()).as("nginx's proxy_pass_header wins over proxy_hide_header")
                .containsExactly("x-powered-by");
        assertThat(s.warnings()).isEmpty();
    }
}
