package dev.linnet.controller.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link ManifestParser} against broken, hostile and half-edited files (issue 14 item 12): a
 * file parses or fails with its documented {@link ManifestException} (naming a line of the
 * file), never with another exception or error, and in bounded time; what it keeps is always
 * named and namespaced.
 */
class ManifestParserPropertyTest {

    /**
     * CPU time (a busy build machine does not count) far above any parse of these small inputs
     * (milliseconds); catches a parse without bound.
     */
    private static final long BOUND_NANOS = 2_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final String VALID = Manifests.service("app") + "---\n" + Manifests.ingress("web", "a.example.com",
            "app") + "---\n" + """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: app-1
              namespace: ns
              labels:
                kubernetes.io/service-name: app
            addressType: IPv4
            ports:
            - name: http
              port: 8080
            endpoints:
            - addresses: ["10.0.0.1"]
              conditions: {ready: true}
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: networking.k8s.io/v1
              kind: IngressClass
              metadata: {name: linnet}
              spec: {controller: linnet.dev/ingress-controller}
            - apiVersion: v1
              kind: Secret
              metadata: {name: tls}
              type: kubernetes.io/tls
              data: {tls.crt: eA==, tls.key: eA==}
            """;

    /**
     * One parser for every try, warmed up once: fabric8's first unmarshal loads its whole model
     * (seconds on a busy machine), which is start-up cost, not the parse time bounded here.
     */
    private static final ManifestParser PARSER = new ManifestParser();

    static {
        try {
            PARSER.parse("warm-up.yaml", VALID);
        } catch (ManifestException e) {
            throw new AssertionError(e);
        }
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.of("apiVersion: v1", "apiVersion: networking.k8s.io/v1", "kind: Service", "kind: Ingress",
                        "kind: List", "kind: IngressClass", "kind: EndpointSlice", "kind: Secret", "kind:", "items:",
                        "items: null", "- ", "- null", "metadata:", "  name: a", "  name: ", "  namespace: ''",
                        "metadata: null", "spec:", "  rules:", "  - host: a", "    http: {paths: [{path: /}]}",
                        "---", "--- ", "...", "{", "}", "[", "]", "\"", "'", ":", ": ", "&a", "*a", "!!binary ",
                        "!!map", "<<: *a", "\t", "\n", "\n", "\n", "  ", "null", "~", "%YAML 1.2", "# c", "\r\n",
                        "\uFEFF", "\u0000", "é", "123", "-1", "1e999", "true", "{\"kind\":\"Service\"}", ",")
                .list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> editedManifests() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, VALID.length());
        Arbitrary<Integer> length = Arbitraries.integers().between(0, 40);
        Arbitrary<String> insert = Arbitraries.of("", " ", "  ", "\n", "-", ":", "---\n", "{", "[", "\"", "*x", "&x ",
                "null", "\t", "kind: List\n", "items:\n", "- ", "0", "#");
        Arbitrary<String> once = Combinators.combine(at, length, insert).as((a, n, s) -> a + ":" + n + ":" + s);
        return once.list().ofMinSize(1).ofMaxSize(4).map(edits -> {
            String text = VALID;
            for (String e : edits) {
                String[] p = e.split(":", 3);
                int from = Math.min(Integer.parseInt(p[0]), text.length());
                int to = Math.min(from + Integer.parseInt(p[1]), text.length());
                text = text.substring(0, from) + p[2] + text.substring(to);
            }
            return text;
        });
    }

    @Property(tries = 300)
    void tokenSoupParsesOrFailsWithAManifestException(@ForAll("tokenSoup") String text) {
        check(text);
    }

    @Property(tries = 300)
    void anEditedManifestParsesOrFailsWithAManifestException(@ForAll("editedManifests") String text) {
        check(text);
    }

    @Property(tries = 100)
    void anyTextParsesOrFailsWithAManifestException(@ForAll String text) {
        check(text);
    }

    @Property(tries = 20)
    void deepNestingAndAliasBombsAreRefusedNotCrashed(@ForAll @IntRange(min = 1, max = 20_000) int depth) {
        check("[".repeat(depth) + "]".repeat(depth));
        check("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
        check("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n" + "   a:".repeat(Math.min(depth, 2000))
                + " b\n");
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= Math.min(depth, 30); i++) {
            bomb.append('a').append(i).append(": &a").append(i).append(" [");
            bomb.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
        }
        check(bomb.toString());
    }

    private void check(String text) {
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            List<HasMetadata> kept = PARSER.parse("f.yaml", text);
            for (HasMetadata o : kept) {
                assertThat(o.getMetadata().getName()).isNotEmpty();
                if (!(o instanceof IngressClass)) {
                    assertThat(o.getMetadata().getNamespace()).isNotEmpty();
                }
            }
        } catch (ManifestException documented) {
            long lines = text.split("\\R", -1).length;
            assertThat(documented.line()).as(documented.getMessage()).isBetween(1, (int) Math.max(1, lines + 1));
            assertThat(documented.getMessage()).startsWith("f.yaml:" + documented.line() + ": ").doesNotContain("\n");
        }
        assertThat(THREADS.getCurrentThreadCpuTime() - start).as("parse time").isLessThan(BOUND_NANOS);
    }
}
