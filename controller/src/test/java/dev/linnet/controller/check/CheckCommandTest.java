package dev.linnet.controller.check;

import static dev.linnet.controller.check.CheckCorpusTest.corpus;
import static dev.linnet.controller.check.CheckCorpusTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit 2 with a one-line message naming what failed (issue 20). */
class CheckCommandTest {

    @TempDir
    Path dir;

    @Test
    void aMissingPathIsAUsageError() {
        CheckCorpusTest.Result r = run("check", "--manifests", dir.resolve("nope.yaml").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("check: ").contains("nope.yaml").doesNotContain("\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aManifestThatDoesNotParseIsAnInputErrorNamingTheFile() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: [oops\n");
        CheckCorpusTest.Result r = run("check", "--manifests", corpus("services.yaml").toString(), bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("check: ").contains("bad.yaml").doesNotContain("\n");
    }

    @Test
    void filesAndAClusterTogetherIsAUsageError() {
        CheckCorpusTest.Result r = run("check", "--manifests", corpus("clean.yaml").toString(), "--kubeconfig",
                dir.resolve("config").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--manifests and --kubeconfig");
    }

    @Test
    void anUnreachableClusterIsAnInputErrorNamingTheServer() throws Exception {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, ClusterKubeconfig.yaml("http://127.0.0.1:1"));
        CheckCorpusTest.Result r = run("check", "--kubeconfig", kubeconfig.toString(), "--timeout", "5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("check: cannot list Ingresses from http://127.0.0.1:1")
                .doesNotContain("\n");
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        CheckCorpusTest.Result r = run("check", "--manifests", corpus("clean.yaml").toString(), "--format", "yaml");
        assertThat(r.code()).isEqualTo(2);
    }

    @Test
    void theConfigMapsOwnFindingsHaveASectionOfTheirOwn() throws Exception {
        CheckCorpusTest.Result r = run("check", "--manifests", corpus("services.yaml").toString(),
                corpus("client-trust.yaml").toString(), "--configmap", "default/linnet", "--format", "json");
        assertThat(r.code()).isEqualTo(1);
        tools.jackson.databind.JsonNode cm = tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.out())
                .get("configMap");
        assertThat(cm.get("namespace").asString()).isEqualTo("default");
        assertThat(cm.get("name").asString()).isEqualTo("linnet");
        java.util.List<String> findings = new java.util.ArrayList<>();
        cm.get("findings").forEach(f -> findings.add(f.get("kind").asString() + ' ' + f.get("key").asString()));
        assertThat(findings).containsExactlyInAnyOrder("invalid hsts-max-age", "ignored enable-opentelemetry",
                "ignored worker-processes", "difference use-proxy-protocol");
    }

    @Test
    void withoutConfigMapThereIsNoConfigMapSection() {
        CheckCorpusTest.Result r = run("check", "--manifests", corpus("services.yaml").toString(),
                corpus("clean.yaml").toString(), "--format", "json");
        assertThat(r.code()).isZero();
        assertThat(r.out()).doesNotContain("\"configMap\"");
    }

    @Test
    void aDirectoryIsReadAsServeReadsIt() throws Exception {
        Files.copy(corpus("services.yaml"), dir.resolve("services.yaml"));
        Files.copy(corpus("shared-service.yaml"), dir.resolve("ingresses.yml"));
        Files.writeString(dir.resolve("notes.txt"), "not a manifest");
        CheckCorpusTest.Result r = run("check", "--manifests", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("default/shop: different").endsWith(
                "3 Ingresses: 1 same, 2 different, 0 not served\n");
    }

    /**
     * A ConfigMap key written without a value ({@code key:}) is null in a manifest file; the API
     * server stores it as an empty string. It crashed the build (exit 1, "some Ingress differs",
     * with a stack trace) instead of being an empty value.
     */
    @Test
    void aConfigMapKeyWithoutValueIsEmptyNotACrash() throws Exception {
        Path cm = dir.resolve("cm.yaml");
        Files.writeString(cm, """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: linnet, namespace: default}
                data:
                  block-cidrs:
                  use-forwarded-headers:
                """);
        CheckCorpusTest.Result r = run("check", "--manifests", corpus("services.yaml").toString(),
                corpus("clean.yaml").toString(), cm.toString(), "--configmap", "default/linnet");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
    }

    /**
     * An object the API server would refuse (a Service port without its number) made the builder
     * throw: a stack trace and exit 1, which says "some Ingress differs". It is an input error.
     */
    @Test
    void anObjectTheBuilderCannotReadIsAnInputErrorNotADifference() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: v1
                kind: Service
                metadata: {name: s, namespace: default}
                spec:
                  ports:
                  - name: http
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: i, namespace: default}
                spec:
                  rules:
                  - host: i.example
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {name: http}}}}
                """);
        CheckCorpusTest.Result r = run("check", "--manifests", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("check: ").doesNotContain("\n");
        assertThat(r.out()).isEmpty();
    }
}
