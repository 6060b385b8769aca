package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static ServeCommand parseServe(String... args) {
        ParseResult result = Main.commandLine().parseArgs(args);
        return (ServeCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void nettyDefaultsFillOnlyWhatTheCommandLineLeftOut() {
        assertThat(Main.nettyDefaults(new Properties())).containsExactly(
                entry("io.netty.allocator.type", "pooled"), entry("io.netty.leakDetection.level", "disabled"));

        Properties given = new Properties();
        given.setProperty("io.netty.allocator.type", "adaptive");
        given.setProperty("io.netty.leakDetection.level", "simple");
        assertThat(Main.nettyDefaults(given)).as("-D wins").isEmpty();

        Properties legacy = new Properties();
        legacy.setProperty("io.netty.leakDetectionLevel", "paranoid"); // what the tests' surefire sets
        assertThat(Main.nettyDefaults(legacy)).containsOnlyKeys("io.netty.allocator.type");
    }

    @Test
    void serveDefaultsMatchIngressNginxAndDesign() {
        StandaloneConfig config = parseServe("serve", "--manifests", "m").toConfig();

        assertThat(config.manifests()).containsExactly(Path.of("m"));
        assertThat(config.gateway().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.gateway().httpPort()).isEqualTo(8080);
        assertThat(config.adminPort()).isEqualTo(10254);
        assertThat(config.gateway().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.gateway().readTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.gateway().maxRequestBodySize()).isEqualTo(1024 * 1024); // ingress-nginx's 1m
        assertThat(config.buildOptions()).isEqualTo(new BuildOptions(
                "nginx.ingress.kubernetes.io", null, "linnet.dev/ingress-controller", false)
                .withConfigMap(new ConfigMapOptions(null, config.gateway(), Set.of("--manifests"))));
    }

    @Test
    void theConfigMapFlagNamesItAndRecordsWhichFlagsWereExplicit() {
        StandaloneConfig config = parseServe("serve", "--manifests", "m", "--configmap", "edge/linnet",
                "--keep-alive", "30").toConfig();
        ConfigMapOptions options = config.buildOptions().configMap();
        assertThat(options.ref()).isEqualTo("edge/linnet");
        assertThat(options.base()).isEqualTo(config.gateway());
        assertThat(options.explicitFlags()).contains("--keep-alive", "--configmap")
                .doesNotContain("--read-timeout", "--max-body-size");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--configmap", "linnet").toConfig())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--configmap: linnet (expected: NAMESPACE/NAME)");
    }

    @Test
    void everyServeFlagReachesTheConfiguration() {
        StandaloneConfig config = parseServe("serve",
                "--manifests", "a", "--manifests=b.yaml",
                "--http-port", "9080",
                "--admin-port", "9254",
                "--bind-address", "127.0.0.1",
                "--annotations-prefix", "example.com",
                "--ingress-class", "linnet",
                "--controller-class", "example.com/gw",
                "--watch-ingress-without-class",
                "--connect-timeout", "2",
                "--read-timeout", "30",
                "--max-body-size", "8m").toConfig();

        assertThat(config.manifests()).containsExactly(Path.of("a"), Path.of("b.yaml"));
        assertThat(config.gateway().httpPort()).isEqualTo(9080);
        assertThat(config.adminPort()).isEqualTo(9254);
        assertThat(config.gateway().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.gateway().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.gateway().readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.gateway().maxRequestBodySize()).isEqualTo(8L * 1024 * 1024);
        assertThat(config.buildOptions().withConfigMap(ConfigMapOptions.NONE))
                .isEqualTo(new BuildOptions("example.com", "linnet", "example.com/gw", true));
    }

    @Test
    void theClientBodyTemporaryFileFlagsReachTheConfiguration() {
        StandaloneConfig defaults = parseServe("serve", "--manifests", "m").toConfig();
        assertThat(defaults.gateway().clientBody().tempPath())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "linnet-client-body"));
        assertThat(defaults.gateway().clientBody().tempMaxSize()).isEqualTo(1L << 30);
        assertThat(defaults.gateway().clientBody().memorySize()).as("ingress-nginx's 8k").isEqualTo(8192);

        StandaloneConfig config = parseServe("serve", "--manifests", "m", "--client-body-temp-path", "/var/spool/x",
                "--client-body-temp-max-size", "256m").toConfig();
        assertThat(config.gateway().clientBody().tempPath()).isEqualTo(Path.of("/var/spool/x"));
        assertThat(config.gateway().clientBody().tempMaxSize()).isEqualTo(256L << 20);
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--client-body-temp-max-size", "lots")
                .toConfig()).hasMessageStartingWith("--client-body-temp-max-size: lots (expected: ");
    }

    @Test
    void theTlsFlagsReachTheConfiguration() {
        StandaloneConfig defaults = parseServe("serve", "--manifests", "m").toConfig();
        assertThat(defaults.gateway().httpsPort()).isEqualTo(8443);
        assertThat(defaults.gateway().httpRedirectCode()).isEqualTo(308);
        assertThat(defaults.buildOptions().defaultCertificate()).isNull();

        StandaloneConfig config = parseServe("serve", "--manifests", "m", "--https-port", "9443",
                "--default-ssl-certificate", "infra/wildcard-tls", "--http-redirect-code", "301").toConfig();
        assertThat(config.gateway().httpsPort()).isEqualTo(9443);
        assertThat(config.gateway().httpRedirectCode()).isEqualTo(301);
        assertThat(config.buildOptions().defaultCertificate()).isEqualTo("infra/wildcard-tls");
        assertThat(parseServe("serve", "--default-ssl-certificate", "infra/wildcard-tls").toClusterConfig()
                .buildOptions().defaultCertificate()).isEqualTo("infra/wildcard-tls");
        assertThat(parseServe("serve", "--manifests", "m", "--https-port", "-1").toConfig().gateway().httpsPort())
                .isEqualTo(-1);
    }

    @Test
    void badTlsFlagsNameTheirFlag() {
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--http-redirect-code", "303").toConfig())
                .hasMessage("--http-redirect-code: 303 (expected: 301, 302, 307 or 308)");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--default-ssl-certificate", "tls").toConfig())
                .hasMessage("--default-ssl-certificate: tls (expected: NAMESPACE/NAME)");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--https-port", "70000").toConfig())
                .hasMessage("--https-port: 70000 (expected: 0-65535, or -1 for none)");
    }

    @Test
    void theDefaultBackendServiceReachesBothModes() {
        assertThat(parseServe("serve", "--manifests", "m").toConfig().buildOptions().defaultBackendService()).isNull();
        assertThat(parseServe("serve", "--manifests", "m", "--default-backend-service", "infra/pages").toConfig()
                .buildOptions().defaultBackendService()).isEqualTo("infra/pages");
        assertThat(parseServe("serve", "--default-backend-service", "infra/pages").toClusterConfig().buildOptions()
                .defaultBackendService()).isEqualTo("infra/pages");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--default-backend-service", "pages").toConfig())
                .hasMessage("--default-backend-service: pages (expected: NAMESPACE/NAME)");
    }

    @Test
    void outOfRangeValuesNameTheirFlag() {
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--read-timeout", "0").toConfig())
                .hasMessage("--read-timeout: 0 (expected: > 0)");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--http-port", "70000").toConfig())
                .hasMessage("--http-port: 70000 (expected: 0-65535)");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--max-body-size", "-1").toConfig())
                .hasMessageStartingWith("--max-body-size: -1 (expected: a size in bytes");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--max-body-size", "8 MB").toConfig())
                .hasMessageStartingWith("--max-body-size: 8 MB (expected: ");
    }

    @Test
    void anUnknownFlagFailsWithUsage() {
        assertThat(run("serve", "--manifests", "m", "--no-such-flag")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--no-such-flag'", "Usage: linnet serve");
    }

    @Test
    void aNonNumericPortFails() {
        assertThat(run("serve", "--manifests", "m", "--http-port", "eighty")).isEqualTo(2);
        assertThat(err.toString()).contains("--http-port", "eighty");
    }

    @Test
    void serveWithoutManifestsIsClusterModeWithClassLinnet() {
        ClusterConfig config = parseServe("serve").toClusterConfig();
        assertThat(config.buildOptions().ingressClass()).isEqualTo("linnet");
        assertThat(config.buildOptions().controllerClass()).isEqualTo("linnet.dev/ingress-controller");
        assertThat(config.watchNamespaces()).isEmpty();
        assertThat(config.kubeconfig()).isNull();
        assertThat(config.statusOptions().electionId()).isEqualTo("linnet-leader");
        assertThat(config.statusOptions().publishService()).isNull();
        assertThat(config.statusOptions().updateStatusOnShutdown()).isFalse();
        // Manifest mode keeps serving every Ingress unless asked.
        assertThat(parseServe("serve", "--manifests", "m").toConfig().buildOptions().ingressClass()).isNull();
    }

    @Test
    void clusterFlagsAreRead() {
        ClusterConfig config = parseServe("serve", "--kubeconfig", "kc", "--watch-namespace", "a",
                "--watch-namespace", "b", "--ingress-class", "nginx", "--controller-class", "k8s.io/ingress-nginx",
                "--election-id", "lease", "--publish-service", "ingress/linnet",
                "--publish-status-address", "10.0.0.1,lb.example.com", "--update-status-on-shutdown").toClusterConfig();
        assertThat(config.kubeconfig()).isEqualTo(Path.of("kc"));
        assertThat(config.watchNamespaces()).containsExactly("a", "b");
        assertThat(config.buildOptions().ingressClass()).isEqualTo("nginx");
        assertThat(config.buildOptions().controllerClass()).isEqualTo("k8s.io/ingress-nginx");
        assertThat(config.statusOptions().electionId()).isEqualTo("lease");
        assertThat(config.statusOptions().publishService()).isEqualTo("ingress/linnet");
        assertThat(config.statusOptions().publishStatusAddresses()).containsExactly("10.0.0.1", "lb.example.com");
        assertThat(config.statusOptions().updateStatusOnShutdown()).isTrue();
    }

    @Test
    void aBadPublishServiceFailsWithTheFlagNamed() {
        assertThatThrownBy(() -> parseServe("serve", "--publish-service", "no-slash").toClusterConfig())
                .hasMessage("--publish-service: no-slash (expected: namespace/name)");
        assertThat(run("serve", "--publish-service", "no-slash", "--http-port", "0", "--admin-port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--publish-service: no-slash");
    }

    @Test
    void serveWithAMissingManifestPathFailsBeforeBinding(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThat(run("serve", "--manifests", dir.resolve("missing").toString(), "--http-port", "0", "--admin-port", "0"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("missing", "expected: an existing file or directory");
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("serve", "demo");
    }

    @Test
    void serveHelpListsEveryFlag() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--manifests", "--http-port", "--admin-port", "--bind-address",
                "--annotations-prefix", "--ingress-class", "--controller-class", "--watch-ingress-without-class",
                "--connect-timeout", "--read-timeout", "--max-body-size", "--kubeconfig", "--watch-namespace",
                "--election-id", "--publish-service", "--publish-status-address", "--update-status-on-shutdown");
    }

    @Test
    void versionPrintsTheProjectVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("linnet ").doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void demoFlagsParse() {
        ParseResult result = Main.commandLine().parseArgs("demo", "--http-port", "0", "--admin-port", "0",
                "--v1-port", "1", "--v2-port", "2");
        DemoCommand demo = (DemoCommand) result.subcommand().commandSpec().userObject();

        assertThat(demo.listener.httpPort).isZero();
        assertThat(demo.listener.adminPort).isZero();
        assertThat(demo.v1Port).isEqualTo(1);
        assertThat(demo.v2Port).isEqualTo(2);
    }

    @Test
    void metricsFlagsMatchIngressNginx() {
        StandaloneConfig defaults = parseServe("serve", "--manifests", "m").toConfig();
        assertThat(defaults.metrics().perHost()).isTrue();
        assertThat(defaults.metrics().reportStatusClasses()).isFalse();
        assertThat(defaults.metrics().timeBuckets()).containsExactly(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                2.5, 5.0, 10.0);
        StandaloneConfig set = parseServe("serve", "--manifests", "m", "--metrics-per-host=false",
                "--report-status-classes", "--exclude-socket-metrics",
                "nginx_ingress_controller_request_size,nginx_ingress_controller_bytes_sent",
                "--time-buckets", "0.1,1", "--length-buckets", "100,1000", "--size-buckets", "1e3",
                "--legacy-latency-metric").toConfig();
        assertThat(set.metrics().perHost()).isFalse();
        assertThat(set.metrics().reportStatusClasses()).isTrue();
        assertThat(set.metrics().excluded()).containsExactlyInAnyOrder("nginx_ingress_controller_request_size",
                "nginx_ingress_controller_bytes_sent");
        assertThat(set.metrics().timeBuckets()).containsExactly(0.1, 1.0);
        assertThat(set.metrics().lengthBuckets()).containsExactly(100.0, 1000.0);
        assertThat(set.metrics().legacyLatency()).isTrue();
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--exclude-socket-metrics", "bogus").toConfig())
                .hasMessageStartingWith("--exclude-socket-metrics: bogus (expected one of:");
        assertThatThrownBy(() -> parseServe("serve", "--manifests", "m", "--time-buckets", "1,0.5").toConfig())
                .hasMessage("--time-buckets: [1.0, 0.5] (expected: finite, strictly increasing)");
    }

    @Test
    void snippetIngressesAreNotServedUnlessTheFlagSaysSoInBothModes() {
        assertThat(parseServe("serve", "--manifests", "m").toConfig().buildOptions().serveIngressesWithSnippets())
                .isFalse();
        assertThat(parseServe("serve").toClusterConfig().buildOptions().serveIngressesWithSnippets()).isFalse();
        assertThat(parseServe("serve", "--manifests", "m", "--serve-ingresses-with-snippets").toConfig()
                .buildOptions().serveIngressesWithSnippets()).isTrue();
        assertThat(parseServe("serve", "--serve-ingresses-with-snippets").toClusterConfig()
                .buildOptions().serveIngressesWithSnippets()).isTrue();
    }
}
