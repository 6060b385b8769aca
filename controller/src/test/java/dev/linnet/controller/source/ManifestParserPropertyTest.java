package dev.linnet.controller.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.Gen;
import dev.linnet.gateway.testing.PropertyCheck;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;

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

    private static final Gen<String> TOKEN_SOUP = Gen.joined(Gen.of("apiVersion: v1",
            "apiVersion: networking.k8s.io/v1", "kind: Service", "kind: Ingress", "kind: List", "kind: IngressClass",
            "kind: EndpointSlice", "kind: Secret", "kind:", "items:", "items: null", "- ", "- null", "metadata:",
            "  name: a", "  name: ", "  namespace: ''", "metadata: null", "spec:", "  rules:", "  - host: a",
            "    http: {paths: [{path: /}]}", "---", "--- ", "...", "{", "}", "[", "]", "\"", "'", ":", ": ", "&a",
            "*a", "!!binary ", "!!map", "<<: *a", "\t", "\n", "\n", "\n", "  ", "null", "~", "%YAML 1.2", "# c",
            "\r\n", "\uFEFF", "\u0000", "é", "123", "-1", "1e999", "true", "{\"kind\":\"Service\"}", ","), 30);

    /** Broken and hostile documents: empty, stray markers, nulls where lists and maps go, tabs, a BOM, NUL. */
    private static final List<String> SOUP_EDGES = List.of("", "\n", "---", "---\n---\n", "...", "~", "null",
            "[]", "{}", "\"", "'", "{", "[", "&a", "*a", "<<: *a", "!!binary x", "%YAML 1.2", "\uFEFF", "\u0000",
            "\t", "kind: List\nitems: null\n", "kind: List\nitems:\n- null\n", "apiVersion: v1\nkind: Service\n",
            "apiVersion: v1\nkind: Service\nmetadata: null\n", "apiVersion: v1\nkind: Service\nmetadata:\n  name: \n",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: ''\n", "kind:\n", "1e999",
            "{\"kind\":\"Service\"}", "apiVersion: v1\n\tkind: Service\n", "\r\n---\r\n");

    /** Up to four edits of {@link #VALID}: a span cut out and something typical typed in its place. */
    private static final Gen<String> EDITED_MANIFESTS = random -> {
        String text = VALID;
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int from = Math.min(random.nextInt(VALID.length() + 1), text.length());
            int to = Math.min(from + random.nextInt(41), text.length());
            String insert = Gen.of("", " ", "  ", "\n", "-", ":", "---\n", "{", "[", "\"", "*x", "&x ", "null", "\t",
                    "kind: List\n", "items:\n", "- ", "0", "#").next(random);
            text = text.substring(0, from) + insert + text.substring(to);
        }
        return text;
    };

    @Test
    void tokenSoupParsesOrFailsWithAManifestException() {
        PropertyCheck.forAll(TOKEN_SOUP).edgeCases(SOUP_EDGES).check(300, ManifestParserPropertyTest::check);
    }

    @Test
    void anEditedManifestParsesOrFailsWithAManifestException() {
        List<String> cuts = List.of(VALID, VALID.substring(0, VALID.length() / 2), VALID.replace("---\n", ""),
                VALID.replace("  ", "\t"), VALID.replace("\n", "\r\n"), VALID.replace("name: ", "name: \n"));
        PropertyCheck.forAll(EDITED_MANIFESTS).edgeCases(cuts).check(300, ManifestParserPropertyTest::check);
    }

    @Test
    void anyTextParsesOrFailsWithAManifestException() {
        PropertyCheck.forAll(Gen.strings(Gen.anyChar(), 0, 255)).edgeCases("\uD800", "\uDC00: x", "\u0085", "\u2028")
                .check(100, ManifestParserPropertyTest::check);
    }

    @Test
    void deepNestingAndAliasBombsAreRefusedNotCrashed() {
        PropertyCheck.forAll(Gen.ints(1, 20_000)).edgeCases(1, 2, 30, 31, 2000, 2001, 20_000).check(20, depth -> {
            check("[".repeat(depth) + "]".repeat(depth));
            check("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
            check("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n"
                    + "   a:".repeat(Math.min(depth, 2000)) + " b\n");
            StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
            for (int i = 1; i <= Math.min(depth, 30); i++) {
                bomb.append('a').append(i).append(": &a").append(i).append(" [");
                bomb.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
            }
            check(bomb.toString());
        });
    }

    private static void check(String text) {
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
