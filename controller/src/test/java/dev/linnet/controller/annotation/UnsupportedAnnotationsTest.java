package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnsupportedAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private static List<String> warn(Map<String, String> annotations) {
        List<String> warnings = new ArrayList<>();
        UnsupportedAnnotations.warn(annotations, P, warnings::add);
        return warnings;
    }

    @Test
    void snippetsAreLeftToSnippetAnnotations() {
        assertThat(warn(Map.of(P + "/configuration-snippet", "deny all;", P + "/server-snippet", "return 200;",
                P + "/foo-snippet", ""))).isEmpty();
    }

    @Test
    void notImplementedAndUnknownKeysAreReportedInKeyOrder() {
        assertThat(warn(Map.of(P + "/mirror-target", "https://m", P + "/proxy-read-timout", "5")))
                .containsExactly(
                        "annotation " + P + "/mirror-target is not implemented by Linnet; ignored (see docs/annotations.md)",
                        "annotation " + P + "/proxy-read-timout is not an annotation Linnet knows (a typo?); ignored");
    }

    @Test
    void supportedKeysOtherPrefixesAndKubernetesKeysAreSilent() {
        assertThat(warn(Map.of(P + "/canary", "true", P + "/proxy-body-size", "8m", P + "/whitelist-source-range", "",
                "kubernetes.io/ingress.class", "linnet", "example.com/server-snippet", "x"))).isEmpty();
    }

    @Test
    void theDeclaredListHoldsNoSupportedKey() {
        for (AnnotationKey<?> k : ProxyAnnotations.KEYS) {
            assertThat(UnsupportedAnnotations.NOT_IMPLEMENTED).doesNotContain(k.name());
        }
        for (AnnotationKey<?> k : CanaryAnnotations.KEYS) {
            assertThat(UnsupportedAnnotations.NOT_IMPLEMENTED).doesNotContain(k.name());
        }
        for (AnnotationKey<?> k : PolicyAnnotations.KEYS) {
            assertThat(UnsupportedAnnotations.NOT_IMPLEMENTED).doesNotContain(k.name());
        }
    }

    @Test
    void nginxSizesParseAsClientMaxBodySize() {
        assertThat(NginxSize.parse("0")).isZero();
        assertThat(NginxSize.parse("1m")).isEqualTo(1 << 20);
        assertThat(NginxSize.parse("2K")).isEqualTo(2048);
        assertThat(NginxSize.parse("3g")).isEqualTo(3L << 30);
        assertThat(NginxSize.parse("12")).isEqualTo(12);
        for (String bad : List.of("", "m", "1 m", "-1", "1.5m", "1mb", "1t", "99999999999999999g", "１m")) {
            assertThat(NginxSize.parse(bad)).as(bad).isEqualTo(-1);
        }
    }
}
