package dev.linnet.controller.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * charts/linnet, rendered and linted through helm-java (Helm's own Go code, bundled as a native
 * library: no helm binary). Releases are named {@value #RELEASE} in namespace {@value #NAMESPACE}.
 */
final class Chart {

    static final String RELEASE = "linnet";
    static final String NAMESPACE = "linnet-system";

    /** The chart in this checkout; tests run with the controller module as working directory. */
    static final Path DIR = Path.of("..", "charts", "linnet").toAbsolutePath().normalize();
    static final Path MIGRATION_VALUES = DIR.resolve("values-ingress-nginx-migration.yaml");
    static final Path ALL_ON_VALUES = DIR.resolve("ci/all-on-values.yaml");

    private Chart() {
    }

    static LintResult lint(Path chart) {
        return new Helm(chart).lint().strict().call();
    }

    /** {@code helm template}: Helm's built-in capabilities, so no monitoring.coreos.com/v1. */
    static Rendered template(Path chart, Map<String, ?> set, Path... valuesFiles) {
        TemplateCommand template = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (Path values : valuesFiles) {
            template = template.withValuesFile(values);
        }
        for (Map.Entry<String, ?> value : set.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return Rendered.ofYaml(template.call());
    }

    static Rendered template(Path... valuesFiles) {
        return template(DIR, Map.of(), valuesFiles);
    }

    /** {@code helm install} into {@code cluster}; returns the objects Helm created there and the NOTES. */
    static Installed install(FakeApiServer cluster, Path... valuesFiles) {
        InstallCommand install = new Helm(DIR).install().withName(RELEASE).withNamespace(NAMESPACE)
                .disableOpenApiValidation() // the fake serves no OpenAPI documents
                .withKubeConfigContents(cluster.kubeconfig(NAMESPACE));
        for (Path values : valuesFiles) {
            install = install.withValuesFile(values);
        }
        Release release = install.call();
        return new Installed(release.getStatus(), release.getOutput(), Rendered.ofJson(cluster.created()));
    }

    record Installed(String status, String output, Rendered objects) {
    }

    /** A copy of the chart in {@code target}, for tests that add or remove chart files. */
    static Path copyTo(Path target) {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(DIR.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
