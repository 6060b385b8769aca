package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.UnsupportedAnnotations.Status;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** No ingress-nginx annotation can be forgotten: each is supported, not implemented, a snippet or removed (issue 20). */
class AnnotationCatalogueTest {

    private static List<String> catalogue() throws IOException, URISyntaxException {
        Path file = Path.of(AnnotationCatalogueTest.class.getResource("/check/ingress-nginx-annotations.txt").toURI());
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    @Test
    void everyIngressNginxAnnotationIsClassified() throws Exception {
        List<String> keys = catalogue();
        assertThat(keys).hasSizeGreaterThan(140);
        assertThat(keys).filteredOn(k -> UnsupportedAnnotations.classify(k) == Status.UNKNOWN).isEmpty();
    }

    @Test
    void theListsDoNotOverlap() {
        Set<String> notImplemented = new HashSet<>(UnsupportedAnnotations.NOT_IMPLEMENTED);
        assertThat(UnsupportedAnnotations.REMOVED).doesNotContainAnyElementsOf(notImplemented);
        assertThat(notImplemented).allMatch(k -> UnsupportedAnnotations.classify(k) == Status.NOT_IMPLEMENTED);
        assertThat(UnsupportedAnnotations.REMOVED).allMatch(k -> UnsupportedAnnotations.classify(k) == Status.REMOVED);
    }

    @Test
    void aTypoIsUnknownAndARemovedKeyIsReportedAsSuch() {
        assertThat(UnsupportedAnnotations.classify("canary-wieght")).isEqualTo(Status.UNKNOWN);
        List<String> warnings = new java.util.ArrayList<>();
        UnsupportedAnnotations.warn(java.util.Map.of("nginx.ingress.kubernetes.io/enable-opentracing", "true"),
                "nginx.ingress.kubernetes.io", warnings::add);
        assertThat(warnings).containsExactly("annotation nginx.ingress.kubernetes.io/enable-opentracing was removed"
                + " from ingress-nginx, which ignores it too; ignored");
    }
}
