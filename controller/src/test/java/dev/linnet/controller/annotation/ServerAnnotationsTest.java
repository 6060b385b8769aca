package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** annotations-spec.md §2.1: app-root (fallback: none) and server-alias (drop: no alias here). */
class ServerAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private final List<String> warnings = new ArrayList<>();

    private ServerAnnotations.Server parse(String... kv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            a.put(P + "/" + kv[i], kv[i + 1]);
        }
        return ServerAnnotations.parse(a, P, warnings::add);
    }

    @Test
    void appRoot() {
        assertThat(parse("app-root", "/foo").appRoot()).isEqualTo("/foo");
        assertThat(parse().appRoot()).isNull();
        assertThat(warnings).isEmpty();
        assertThat(parse("app-root", "foo").appRoot()).as("not a path").isNull();
        assertThat(parse("app-root", "http://x/foo").appRoot()).as("absolute").isNull();
        assertThat(parse("app-root", "/foo?x=1").appRoot()).as("no query possible").isNull();
        assertThat(parse("app-root", "/$host").appRoot()).as("no nginx variables").isNull();
        assertThat(warnings).hasSize(4).allMatch(w -> w.contains("app-root") && w.contains("using none"));
    }

    @Test
    void aliasesAreSortedLowerCasedAndDeduplicated() {
        assertThat(parse("server-alias", " B.example.com, a.example.com,*.w.example.com ,a.example.com,").aliases())
                .containsExactly("*.w.example.com", "a.example.com", "b.example.com");
        assertThat(warnings).isEmpty();
    }

    @Test
    void regexAndOtherNginxPatternsAreSkippedWithAWarning() {
        assertThat(parse("server-alias", "~^www\\d+\\.example\\.com$, ok.example.com, www.example.*").aliases())
                .containsExactly("ok.example.com");
        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("is skipped"));
    }

    @Test
    void oneItemOutsideTheCharsetMeansNoAliasAtAll() {
        assertThat(parse("server-alias", "ok.example.com, bad name.com").aliases()).isEmpty();
        assertThat(warnings).singleElement().asString().contains("ingress-nginx would not serve this Ingress at all");
    }
}
