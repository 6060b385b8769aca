package dev.linnet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.gateway.accesslog.AccessLogSettings;
import dev.linnet.gateway.accesslog.Escaping;
import dev.linnet.gateway.accesslog.LogFormat;
import dev.linnet.gateway.proxy.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The access-log keys of the controller ConfigMap (annotations-spec.md §7.2, catalogue L3–L18). */
class AccessLogKeysTest {

    private static ControllerSettings read(Map<String, String> data) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress-nginx")
                .withName("ingress-nginx-controller").endMetadata().withData(data).build();
        ClusterLookup lookup = TestLookups.configMaps((namespace, name) -> cm);
        return ConfigMapReader.read(new ConfigMapOptions("ingress-nginx/ingress-nginx-controller",
                GatewayConfig.defaults(), Set.of()), lookup);
    }

    private static AccessLogSettings log(ControllerSettings s) {
        return s.gateway().accessLog();
    }

    private static List<String> messages(ControllerSettings s) {
        return s.warnings().stream().map(ConfigWarning::message).toList();
    }

    @Test
    void withoutKeysTheDefaultsAreIngressNginxs() {
        ControllerSettings s = read(Map.of());
        assertThat(log(s)).isEqualTo(AccessLogSettings.DEFAULT);
        assertThat(log(s).format().source()).isEqualTo(LogFormat.NGINX_DEFAULT);
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void l3_l4_disableAccessLogAndItsHttpTwin() {
        assertThat(log(read(Map.of("disable-access-log", "true"))).enabled()).isFalse();
        assertThat(log(read(Map.of("disable-http-access-log", "true"))).enabled()).isFalse();
        assertThat(log(read(Map.of("disable-access-log", "false"))).enabled()).isTrue();
    }

    @Test
    void l12_l15_escapeModesAndNoneWins() {
        assertThat(log(read(Map.of("log-format-escape-json", "true"))).escaping()).isEqualTo(Escaping.JSON);
        assertThat(log(read(Map.of("log-format-escape-none", "true"))).escaping()).isEqualTo(Escaping.NONE);
        assertThat(log(read(Map.of("log-format-escape-json", "true", "log-format-escape-none", "true"))).escaping())
                .isEqualTo(Escaping.NONE);
        assertThat(log(read(Map.of("log-format-escape-json", "false"))).escaping()).isEqualTo(Escaping.DEFAULT);
    }

    @Test
    void aFormatIsCompiledAndItsUnknownVariablesWarnedOnce() {
        ControllerSettings s = read(Map.of("log-format-upstream", "$status $nope $nope ${also_nope}"));
        assertThat(log(s).format().source()).isEqualTo("$status $nope $nope ${also_nope}");
        assertThat(messages(s)).containsExactly(
                "key log-format-upstream: unknown variable $nope, logged as - (the README's \"Access log\" lists"
                        + " the variables Linnet knows)",
                "key log-format-upstream: unknown variable $also_nope, logged as - (the README's \"Access log\""
                        + " lists the variables Linnet knows)");
    }

    @Test
    void theDocsJsonFormatIsKnownWholly() {
        String docs = "{\"time\": \"$time_iso8601\", \"remote_addr\": \"$proxy_protocol_addr\", \"x_forwarded_for\":"
                + " \"$proxy_add_x_forwarded_for\", \"request_id\": \"$req_id\", \"remote_user\": \"$remote_user\","
                + " \"bytes_sent\": $bytes_sent, \"request_time\": $request_time, \"status\": $status, \"vhost\":"
                + " \"$host\", \"request_proto\": \"$server_protocol\", \"path\": \"$uri\", \"request_query\":"
                + " \"$args\", \"request_length\": $request_length, \"duration\": $request_time, \"method\":"
                + " \"$request_method\", \"http_referrer\": \"$http_referer\", \"http_user_agent\": \"$http_user_agent\"}";
        ControllerSettings s = read(Map.of("log-format-upstream", docs, "log-format-escape-json", "true"));
        assertThat(s.warnings()).isEmpty();
        assertThat(log(s).format().unknown()).isEmpty();
    }

    @Test
    void l7_l10_pathsAreAcceptedAndAnythingButStdoutIsWarned() {
        assertThat(read(Map.of("access-log-path", "/var/log/nginx/access.log", "http-access-log-path", "/dev/stdout"))
                .warnings()).isEmpty();
        assertThat(messages(read(Map.of("access-log-path", "/tmp/a.log", "http-access-log-path", "/tmp/b.log"))))
                .containsExactly(
                        "key access-log-path: \"/tmp/a.log\" is accepted, but Linnet always writes the access log to"
                                + " standard output",
                        "key http-access-log-path: \"/tmp/b.log\" is accepted, but Linnet always writes the access log"
                                + " to standard output");
    }

    @Test
    void skipAccessLogUrlsExactAndRegexAndABadRegexIsWarned() {
        ControllerSettings s = read(Map.of("skip-access-log-urls", "/health, ~^/ready, ~*^/LIVE, ~(unclosed"));
        assertThat(log(s).skip().skips("/health")).isTrue();
        assertThat(log(s).skip().skips("/health?x=1")).isFalse();
        assertThat(log(s).skip().skips("/ready/x")).isTrue();
        assertThat(log(s).skip().skips("/live")).isTrue();
        assertThat(messages(s)).containsExactly("key skip-access-log-urls: \"~(unclosed\" is not a valid regular"
                + " expression; that entry is ignored");
    }

    @Test
    void l19_defaultBackendLoggingIsOffUnlessAskedFor() {
        assertThat(log(read(Map.of())).defaultBackend()).isFalse();
        assertThat(log(read(Map.of("enable-access-log-for-default-backend", "true"))).defaultBackend()).isTrue();
    }

    @Test
    void anInvalidBooleanKeepsTheDefaultWithAWarning() {
        ControllerSettings s = read(Map.of("disable-access-log", "maybe"));
        assertThat(log(s).enabled()).isTrue();
        assertThat(messages(s)).singleElement().asString().startsWith("key disable-access-log: \"maybe\" is invalid");
    }

    @Test
    void theKeysAreNoLongerReportedAsNotImplemented() {
        ControllerSettings s = read(Map.of("log-format-upstream", "$status", "skip-access-log-urls", "/h",
                "enable-access-log-for-default-backend", "false", "access-log-path", "/dev/stdout"));
        assertThat(s.warnings()).isEmpty();
        assertThat(messages(read(Map.of("enable-auth-access-log", "true")))).singleElement().asString()
                .contains("enable-auth-access-log");
    }
}
