package dev.linnet.controller.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.Deviation;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.controller.source.FileSource;
import dev.linnet.gateway.proxy.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build as ingress-nginx (linnet check) is a second mode of the one builder: a normal build
 * never writes its notes (they would reach serve's log and Events), and over objects without any
 * deliberate difference both builds give the same table (issue 20).
 */
class AsIngressNginxBuildTest {

    private static final BuildOptions OPTIONS = BuildOptions.serveAll().withConfigMap(
            new ConfigMapOptions("default/linnet", GatewayConfig.defaults(), Set.of()));

    private static List<Path> corpus() throws Exception {
        Path dir = Path.of(AsIngressNginxBuildTest.class.getResource("/check/services.yaml").toURI()).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("services.yaml")).sorted().toList();
        }
    }

    private static ClusterState state(Path file) throws Exception {
        return FileSource.readOnce(List.of(file.resolveSibling("services.yaml"), file));
    }

    @Test
    void aNormalBuildNeverWritesANote() throws Exception {
        List<Path> files = corpus();
        assertThat(files).hasSizeGreaterThan(15);
        for (Path file : files) {
            assertThat(RouteTableBuilder.build(state(file), OPTIONS).warnings()).as(file.getFileName().toString())
                    .noneMatch(w -> Deviation.isNote(w.message()));
        }
    }

    @Test
    void withoutADeliberateDifferenceBothBuildsGiveTheSameTable() throws Exception {
        for (String clean : List.of("clean.yaml", "ignored.yaml", "invalid.yaml", "unsupported.yaml")) {
            Path file = corpus().stream().filter(p -> p.endsWith(clean)).findFirst().orElseThrow();
            BuildResult linnet = RouteTableBuilder.build(state(file), OPTIONS);
            BuildResult nginx = RouteTableBuilder.build(state(file), OPTIONS.asIngressNginxBuild());
            assertThat(nginx.table()).as(clean).isEqualTo(linnet.table());
            assertThat(nginx.warnings()).as(clean).isEqualTo(linnet.warnings());
        }
    }

    @Test
    void aDifferenceShowsInTheTableAndIsExplainedByANote() throws Exception {
        Path file = corpus().stream().filter(p -> p.endsWith("shared-service.yaml")).findFirst().orElseThrow();
        BuildResult linnet = RouteTableBuilder.build(state(file), OPTIONS);
        BuildResult nginx = RouteTableBuilder.build(state(file), OPTIONS.asIngressNginxBuild());
        assertThat(linnet.table().exactHosts().get("shop.example.com").routes().get(0).canary()).isNull();
        assertThat(nginx.table().exactHosts().get("shop.example.com").routes().get(0).canary().ingress())
                .isEqualTo("app-canary");
        assertThat(nginx.warnings()).filteredOn(w -> Deviation.isNote(w.message()))
                .extracting(ConfigWarning::name).containsExactlyInAnyOrder("shop", "app-canary");
    }
}
