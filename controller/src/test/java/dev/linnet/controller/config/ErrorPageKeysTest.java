package dev.linnet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.gateway.proxy.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ConfigMap's custom-http-errors and disable-proxy-intercept-errors (annotations-spec.md §5.1). */
class ErrorPageKeysTest {

    private static ControllerSettings read(Map<String, String> data) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("edge").withName("linnet").endMetadata()
                .withData(data).build();
        ClusterLookup lookup = TestLookups.configMaps((namespace, name) -> cm);
        return ConfigMapReader.read(new ConfigMapOptions("edge/linnet", GatewayConfig.defaults(), Set.of()), lookup);
    }

    private static List<String> messages(ControllerSettings s) {
        return s.warnings().stream().map(ConfigWarning::toString).toList();
    }

    @Test
    void withoutTheKeysThereIsNoGlobalList() {
        assertThat(read(Map.of()).errorPages()).isEqualTo(ErrorPageDefaults.NONE);
    }

    @Test
    void itemsOutside300To599AreSkippedAndTheRestKept() {
        ControllerSettings s = read(Map.of("custom-http-errors", " 404, 299,600,abc,503,404,300,599 ",
                "disable-proxy-intercept-errors", "true"));

        assertThat(s.errorPages().codes()).containsExactly(404, 503, 300, 599);
        assertThat(s.errorPages().disableIntercept()).isTrue();
        assertThat(messages(s)).containsExactly(
                "ConfigMap edge/linnet: key custom-http-errors: item \"299\" is skipped (expected: a status 300-599)",
                "ConfigMap edge/linnet: key custom-http-errors: item \"600\" is skipped (expected: a status 300-599)",
                "ConfigMap edge/linnet: key custom-http-errors: item \"abc\" is skipped (expected: a status 300-599)");
    }

    @Test
    void anInvalidSwitchKeepsInterceptionOn() {
        ControllerSettings s = read(Map.of("custom-http-errors", "404", "disable-proxy-intercept-errors", "yes"));

        assertThat(s.errorPages().disableIntercept()).isFalse();
        assertThat(messages(s)).singleElement().asString().contains("disable-proxy-intercept-errors", "\"yes\"",
                "using false");
    }

    @Test
    void theKeysAreNoLongerReportedAsNotImplemented() {
        assertThat(messages(read(Map.of("custom-http-errors", "404")))).isEmpty();
    }
}
