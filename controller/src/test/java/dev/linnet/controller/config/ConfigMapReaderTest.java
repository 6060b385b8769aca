package dev.linnet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.NextUpstream;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The controller ConfigMap's reading rules (annotations-spec.md §8.1, §8.3) and the flag-mirroring keys. */
class ConfigMapReaderTest {

    private static final GatewayConfig FLAGS = GatewayConfig.defaults().withHttpPort(9080);

    private static ControllerSettings read(Map<String, String> data, String... explicitFlags) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("edge").withName("linnet").endMetadata()
                .withData(data).build();
        ClusterLookup lookup = TestLookups.configMaps((namespace, name) ->
                namespace.equals("edge") && name.equals("linnet") ? cm : null);
        return ConfigMapReader.read(new ConfigMapOptions("edge/linnet", FLAGS, Set.of(explicitFlags)), lookup);
    }

    private static java.util.List<String> messages(ControllerSettings s) {
        return s.warnings().stream().map(ConfigWarning::toString).toList();
    }

    @Test
    void withoutTheFlagTheFlagsSettingsStandAndNothingIsSaid() {
        ControllerSettings s = ConfigMapReader.read(new ConfigMapOptions(null, FLAGS, Set.of()), ClusterLookup.EMPTY);
        assertThat(s.gateway()).isEqualTo(FLAGS);
        assertThat(s.defaults()).isEqualTo(AnnotationDefaults.DEFAULT);
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void aMissingConfigMapIsWarnedAndEveryKeyStaysAtItsDefault() {
        ControllerSettings s = ConfigMapReader.read(new ConfigMapOptions("edge/nope", FLAGS, Set.of()),
                ClusterLookup.EMPTY);
        assertThat(s.gateway()).isEqualTo(FLAGS);
        assertThat(messages(s)).containsExactly(
                "ConfigMap edge/nope: not found (--configmap): every key at its default until it exists");
    }

    @Test
    void keysThatMirrorFlagsChangeTheGatewaySettings() {
        ControllerSettings s = read(Map.ofEntries(
                Map.entry("keep-alive", "30"),
                Map.entry("keep-alive-requests", "200"),
                Map.entry("client-header-timeout", "20"),
                Map.entry("client-body-timeout", "25"),
                Map.entry("proxy-body-size", "8m"),
                Map.entry("large-client-header-buffers", "4 16k"),
                Map.entry("proxy-connect-timeout", "3"),
                Map.entry("proxy-read-timeout", "120"),
                Map.entry("proxy-send-timeout", "90"),
                Map.entry("proxy-next-upstream-tries", "5"),
                Map.entry("proxy-next-upstream", "error timeout http_502"),
                Map.entry("proxy-next-upstream-timeout", "7"),
                Map.entry("retry-non-idempotent", "true"),
                Map.entry("http-redirect-code", "301"),
                Map.entry("enable-underscores-in-headers", "True")));
        GatewayConfig g = s.gateway();
        assertThat(s.warnings()).isEmpty();
        assertThat(g.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.keepAliveRequests()).isEqualTo(200);
        assertThat(g.clientHeaderTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(g.clientBodyTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(g.maxRequestBodySize()).isEqualTo(8L << 20);
        assertThat(g.maxHeaderSize()).isEqualTo(16384);
        assertThat(g.maxInitialLineLength()).isEqualTo(16384);
        assertThat(g.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(g.readTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(g.sendTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(g.maxTries()).isEqualTo(5);
        assertThat(g.nextUpstream()).isEqualTo(new NextUpstream(NextUpstream.ERROR | NextUpstream.TIMEOUT
                | NextUpstream.HTTP_502 | NextUpstream.NON_IDEMPOTENT, Duration.ofSeconds(7)));
        assertThat(g.httpRedirectCode()).isEqualTo(301);
        assertThat(g.underscoresInHeaders()).isTrue();
        assertThat(g.httpPort()).as("listener settings are the flags'").isEqualTo(9080);
    }

    @Test
    void anInvalidValueKeepsTheDefaultAndNamesConfigMapKeyValueAndExpectation() {
        ControllerSettings s = read(Map.of("keep-alive", "forever", "proxy-body-size", "10 MB",
                "http-redirect-code", "303", "enable-underscores-in-headers", "maybe"));
        assertThat(s.gateway()).isEqualTo(FLAGS);
        assertThat(messages(s)).containsExactlyInAnyOrder(
                "ConfigMap edge/linnet: key keep-alive: \"forever\" is invalid (expected: a positive integer number of"
                        + " seconds, e.g. 30); using 75",
                "ConfigMap edge/linnet: key proxy-body-size: \"10 MB\" is invalid (expected: "
                        + dev.linnet.controller.annotation.NginxSize.EXPECTED + "); using 0",
                "ConfigMap edge/linnet: key http-redirect-code: \"303\" is invalid (expected: 301, 302, 307 or 308);"
                        + " using 308",
                "ConfigMap edge/linnet: key enable-underscores-in-headers: \"maybe\" is invalid (expected: true or"
                        + " false); using false");
    }

    @Test
    void valuesAreTrimmedAndAnEmptyBooleanIsFalseAsMapstructureDecodesIt() {
        GatewayConfig on = FLAGS.toBuilder().underscoresInHeaders(true).build();
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("edge").withName("linnet").endMetadata()
                .withData(Map.of("enable-underscores-in-headers", "", "keep-alive", " 40 ")).build();
        ControllerSettings s = ConfigMapReader.read(new ConfigMapOptions("edge/linnet", on, Set.of()),
                TestLookups.configMaps((namespace, name) -> cm));
        assertThat(s.gateway().underscoresInHeaders()).isFalse();
        assertThat(s.gateway().idleTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void anExplicitFlagWinsOverItsKeyWithAWarning() {
        ControllerSettings s = read(Map.of("keep-alive", "30", "proxy-read-timeout", "120",
                "large-client-header-buffers", "4 16k"), "--keep-alive", "--max-request-line");
        assertThat(s.gateway().idleTimeout()).isEqualTo(FLAGS.idleTimeout());
        assertThat(s.gateway().maxHeaderSize()).as("either mirrored flag wins").isEqualTo(FLAGS.maxHeaderSize());
        assertThat(s.gateway().readTimeout()).as("no flag given for it").isEqualTo(Duration.ofSeconds(120));
        assertThat(messages(s)).containsExactlyInAnyOrder(
                "ConfigMap edge/linnet: key keep-alive: \"30\" is ignored: --keep-alive given on the command line wins",
                "ConfigMap edge/linnet: key large-client-header-buffers: \"4 16k\" is ignored: --max-request-line"
                        + " given on the command line wins");
    }

    @Test
    void keysNobodyReadsAreListedOnceByKind() {
        ControllerSettings s = read(Map.of("upstream-keepalive-connections", "128", "worker-processes", "4",
                "use-gzip", "true", "client-max-body-size", "10m", "http2", "true"));
        assertThat(messages(s)).containsExactly(
                "ConfigMap edge/linnet: not implemented by Linnet, ignored: upstream-keepalive-connections",
                "ConfigMap edge/linnet: nginx tuning without meaning in Linnet, ignored: use-gzip, worker-processes",
                "ConfigMap edge/linnet: unknown keys, ignored (as ingress-nginx ignores them): client-max-body-size,"
                        + " http2");
    }

    @Test
    void theKeyListsDoNotOverlap() {
        assertThat(ConfigMapKeys.NOT_IMPLEMENTED).doesNotContainAnyElementsOf(ConfigMapKeys.NGINX_ONLY);
        // A key a family reads must not also be listed as not implemented: read every key and see.
        java.util.Map<String, String> all = new java.util.HashMap<>();
        ConfigMapKeys.NOT_IMPLEMENTED.forEach(k -> all.put(k, "x"));
        ConfigMapData data = new ConfigMapData("edge", "linnet", all, Set.of());
        SettingsBuilder out = new SettingsBuilder(FLAGS, ClusterLookup.EMPTY);
        ConfigMapKeys.FAMILIES.forEach(f -> f.read(data, out));
        assertThat(data.unread()).as("keys still listed as not implemented").containsExactlyInAnyOrderElementsOf(
                ConfigMapKeys.NOT_IMPLEMENTED);
    }

    @Test
    void globalAllowedResponseHeadersIsReadAsATrimmedCaseSensitiveList() {
        assertThat(messages(read(Map.of("global-allowed-response-headers", "X-A, x-b ,,")))).isEmpty();
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("edge").withName("linnet").endMetadata()
                .withData(Map.of("global-allowed-response-headers", "X-A, x-b ,,")).build();
        ClusterLookup lookup = TestLookups.configMaps((namespace, name) -> cm);
        assertThat(HeaderKeys.allowedResponseHeaders(new ConfigMapOptions("edge/linnet", FLAGS, Set.of()), lookup))
                .containsExactlyInAnyOrder("X-A", "x-b");
        assertThat(HeaderKeys.allowedResponseHeaders(ConfigMapOptions.NONE, lookup)).isEmpty();
    }
}
