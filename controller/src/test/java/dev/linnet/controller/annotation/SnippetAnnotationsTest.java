package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnippetAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private static List<String> notServed(Map<String, String> annotations) {
        List<String> warnings = new ArrayList<>();
        SnippetAnnotations.warnNotServed(annotations, P, warnings::add);
        return warnings;
    }

    @Test
    void everyKeyEndingInSnippetUnderThePrefixCountsEvenWhenEmpty() {
        for (String name : List.of("configuration-snippet", "server-snippet", "auth-snippet", "stream-snippet",
                "modsecurity-snippet", "anything-snippet")) {
            assertThat(SnippetAnnotations.present(Map.of(P + "/" + name, "deny all;"), P)).as(name).isTrue();
            assertThat(SnippetAnnotations.present(Map.of(P + "/" + name, ""), P))
                    .as("ingress-nginx's CheckAnnotationRisk looks at keys only: " + name).isTrue();
        }
    }

    @Test
    void otherPrefixesAndOtherKeysDoNotCount() {
        assertThat(SnippetAnnotations.present(Map.of("example.com/server-snippet", "x", P + "/snippet", "x",
                P + "/snippets", "x", P + "/enable-cors", "true"), P)).isFalse();
        assertThat(SnippetAnnotations.present(null, P)).isFalse();
        assertThat(SnippetAnnotations.present(Map.of("custom.io/configuration-snippet", "x"), "custom.io")).isTrue();
    }

    @Test
    void theWarningNamesTheKeyAndTellsWhatToDoOnePerKeyInKeyOrder() {
        assertThat(notServed(Map.of(P + "/server-snippet", "return 200;", P + "/configuration-snippet",
                "allow 10.0.0.0/8;\ndeny all;", P + "/canary", "true")))
                .containsExactly(
                        "annotation " + P + "/configuration-snippet is raw nginx"
                                + " configuration, which Linnet never runs; the Ingress is NOT served (as ingress-nginx"
                                + " at its default annotations-risk-level): express the snippet with annotations and"
                                + " remove it, or start Linnet with --serve-ingresses-with-snippets to serve this"
                                + " Ingress without it",
                        "annotation " + P + "/server-snippet is raw nginx configuration, which"
                                + " Linnet never runs; the Ingress is NOT served (as ingress-nginx at its default"
                                + " annotations-risk-level): express the snippet with annotations and remove it, or"
                                + " start Linnet with --serve-ingresses-with-snippets to serve this Ingress without it");
    }

    @Test
    void theValueIsNeverQuotedForItMayHoldCredentials() {
        Map<String, String> a = new HashMap<>();
        a.put(P + "/configuration-snippet", "proxy_set_header Authorization \"Basic c2VjcmV0\";");
        List<String> warnings = new ArrayList<>();
        SnippetAnnotations.warnIgnored(a, P, warnings::add);
        SnippetAnnotations.warnNotServed(a, P, warnings::add);
        assertThat(warnings).hasSize(2).noneMatch(w -> w.contains("c2VjcmV0") || w.contains("Authorization"));
        assertThat(warnings.get(0)).isEqualTo("annotation " + P + "/configuration-snippet is raw nginx configuration,"
                + " which Linnet never runs; ignored: the Ingress is served WITHOUT it because of"
                + " --serve-ingresses-with-snippets");
    }
}
