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
    void theWarningNamesKeyAndValueAndTellsWhatToDoOnePerKeyInKeyOrder() {
        assertThat(notServed(Map.of(P + "/server-snippet", "return 200;", P + "/configuration-snippet",
                "allow 10.0.0.0/8;\ndeny all;", P + "/canary", "true")))
                .containsExactly(
                        "annotation " + P + "/configuration-snippet: \"allow 10.0.0.0/8;\\ndeny all;\" is raw nginx"
                                + " configuration, which Linnet never runs; the Ingress is NOT served (as ingress-nginx"
                                + " at its default annotations-risk-level): express the snippet with annotations and"
                                + " remove it, or start Linnet with --serve-ingresses-with-snippets to serve this"
                                + " Ingress without it",
                        "annotation " + P + "/server-snippet: \"return 200;\" is raw nginx configuration, which"
                                + " Linnet never runs; the Ingress is NOT served (as ingress-nginx at its default"
                                + " annotations-risk-level): express the snippet with annotations and remove it, or"
                                + " start Linnet with --serve-ingresses-with-snippets to serve this Ingress without it");
    }

    @Test
    void aLongSnippetIsQuotedShortened() {
        Map<String, String> a = new HashMap<>();
        a.put(P + "/server-snippet", "x".repeat(500));
        List<String> ignored = new ArrayList<>();
        SnippetAnnotations.warnIgnored(a, P, ignored::add);
        assertThat(ignored).singleElement().asString()
                .startsWith("annotation " + P + "/server-snippet: \"" + "x".repeat(80) + "…\" is raw nginx")
                .endsWith("ignored: the Ingress is served WITHOUT it because of --serve-ingresses-with-snippets");
    }
}
