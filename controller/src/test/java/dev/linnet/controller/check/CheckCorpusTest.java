package dev.linnet.controller.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code linnet check --manifests} over the corpus in {@code src/test/resources/check}: one case per
 * finding kind and per computed difference, plus clean ones; exit code, verdicts and findings in
 * both formats (issue 20).
 */
class CheckCorpusTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param verdicts every checked Ingress (name in namespace default) and its verdict
     * @param findings {@code name kind key} of findings that must be there ({@code -} for no key)
     */
    record Case(String file, List<String> args, int exit, Map<String, String> verdicts, List<String> findings) {
        @Override
        public String toString() {
            return file + (args.isEmpty() ? "" : " " + args);
        }
    }

    private static Map<String, String> verdicts(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static final String P = "nginx.ingress.kubernetes.io/";

    static Stream<Case> cases() {
        return Stream.of(
                new Case("clean", List.of(), 0, verdicts("app", "same", "app-canary", "same"), List.of()),
                new Case("unsupported", List.of(), 1, verdicts("app", "different"),
                        List.of("app unsupported " + P + "limit-rps")),
                new Case("ignored", List.of(), 0, verdicts("app", "same"),
                        List.of("app ignored " + P + "canary-wieght")),
                new Case("invalid", List.of(), 0, verdicts("app", "same", "app-canary", "same"),
                        List.of("app-canary invalid " + P + "canary-weight")),
                new Case("snippet", List.of(), 1, verdicts("app", "not-served"),
                        List.of("app snippet " + P + "configuration-snippet")),
                new Case("snippet", List.of("--serve-ingresses-with-snippets"), 1, verdicts("app", "different"),
                        List.of("app snippet " + P + "configuration-snippet")),
                new Case("shared-service", List.of(), 1,
                        verdicts("app", "same", "app-canary", "different", "shop", "different"),
                        List.of("shop difference " + P + "canary", "app-canary difference " + P + "canary")),
                new Case("weight-total", List.of(), 1, verdicts("app", "different", "app-canary", "different"),
                        List.of("app-canary difference " + P + "canary-weight-total",
                                "app difference " + P + "canary-weight-total")),
                new Case("multi-canary", List.of(), 1,
                        verdicts("app", "different", "app-v2", "different", "app-v3", "different"),
                        List.of("app difference linnet.dev/multi-canary", "app-v2 difference linnet.dev/multi-canary")),
                new Case("no-endpoints", List.of(), 1, verdicts("app", "different", "app-canary", "different"),
                        List.of("app difference " + P + "canary", "app-canary difference " + P + "canary")),
                new Case("auth-open", List.of(), 1, verdicts("app", "different"),
                        List.of("app difference " + P + "auth-request-redirect")),
                new Case("not-served", List.of(), 1, verdicts("app", "not-served"),
                        List.of("app invalid " + P + "auth-type")),
                new Case("classes", List.of("--ingress-class", "nginx"), 1,
                        verdicts("by-class", "same", "no-class", "different"),
                        List.of("no-class unsupported " + P + "limit-rps")),
                new Case("canary-service-main-first", List.of(), 1,
                        verdicts("app", "different", "app-canary", "different", "legacy", "same"),
                        List.of("app-canary difference " + P + "canary", "app difference " + P + "canary")),
                new Case("canary-service-canary-first", List.of(), 1,
                        verdicts("app", "same", "app-canary", "same", "legacy", "different"),
                        List.of("legacy difference " + P + "canary")),
                new Case("nginx-drops", List.of(), 1, verdicts("app", "different"),
                        List.of("app difference " + P + "custom-http-errors")),
                new Case("realm-off", List.of(), 1, verdicts("app", "different"),
                        List.of("app difference " + P + "auth-realm")),
                new Case("client-cert-no-ca", List.of(), 1, verdicts("app", "different"),
                        List.of("app difference " + P + "auth-tls-secret")),
                new Case("affinity-shared", List.of(), 1,
                        verdicts("api", "same", "api2", "same", "app", "same", "shop", "different"),
                        List.of("shop difference " + P + "affinity")),
                new Case("canary-client-cert", List.of(), 1, verdicts("app", "different", "app-canary", "different"),
                        List.of("app difference " + P + "auth-tls-secret", "app-canary difference " + P + "auth-tls-secret")),
                new Case("client-trust", List.of("--configmap", "default/linnet"), 1,
                        verdicts("app", "different", "open", "same"),
                        List.of("app difference use-proxy-protocol")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void json(Case c) throws Exception {
        Result r = check(c, "--format", "json");
        assertThat(r.code).as(r.err).isEqualTo(c.exit);
        JsonNode root = JSON.readTree(r.out);
        Map<String, String> verdicts = new LinkedHashMap<>();
        List<String> findings = new ArrayList<>();
        for (JsonNode i : root.get("ingresses")) {
            assertThat(i.get("namespace").asString()).isEqualTo("default");
            verdicts.put(i.get("name").asString(), i.get("verdict").asString());
            for (JsonNode f : i.get("findings")) {
                assertThat(f.get("severity").asString()).isIn("error", "warning", "info");
                assertThat(f.get("message").asString()).isNotBlank();
                findings.add(i.get("name").asString() + ' ' + f.get("kind").asString() + ' '
                        + (f.get("key").isNull() ? "-" : f.get("key").asString()));
            }
        }
        assertThat(verdicts).isEqualTo(c.verdicts);
        assertThat(findings).containsAll(c.findings);
        JsonNode summary = root.get("summary");
        assertThat(summary.get("ingresses").asInt()).isEqualTo(c.verdicts.size());
        for (String v : List.of("same", "different", "not-served")) {
            assertThat(summary.get(v).asInt()).as(v)
                    .isEqualTo((int) c.verdicts.values().stream().filter(v::equals).count());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void text(Case c) throws Exception {
        Result r = check(c);
        assertThat(r.code).as(r.err).isEqualTo(c.exit);
        List<String> lines = r.out.lines().toList();
        c.verdicts.forEach((name, verdict) -> {
            if (verdict.equals("same")) {
                assertThat(lines).noneMatch(l -> l.startsWith("default/" + name + ":"));
            } else {
                assertThat(lines).contains("default/" + name + ": " + verdict);
            }
        });
        for (String f : c.findings) {
            String[] p = f.split(" ");
            if (!c.verdicts.get(p[0]).equals("same")) { // a same Ingress is not listed in text
                assertThat(findingsOf(lines, p[0])).anyMatch(l -> l.matches("  (error|warning|info) " + p[1] + ' '
                        + java.util.regex.Pattern.quote(p[2]) + ": .+"));
            }
        }
        assertThat(lines.get(lines.size() - 1)).startsWith(c.verdicts.size() + (c.verdicts.size() == 1 ? " Ingress: "
                : " Ingresses: "));
    }

    private static List<String> findingsOf(List<String> lines, String name) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : lines) {
            if (!l.startsWith("  ")) {
                in = l.startsWith("default/" + name + ": ");
            } else if (in) {
                out.add(l);
            }
        }
        return out;
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path corpus(String file) {
        try {
            return Path.of(CheckCorpusTest.class.getResource("/check/" + file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result check(Case c, String... more) {
        List<String> args = new ArrayList<>(List.of("check", "--manifests", corpus("services.yaml").toString(),
                corpus(c.file + ".yaml").toString()));
        args.addAll(c.args);
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }
}
