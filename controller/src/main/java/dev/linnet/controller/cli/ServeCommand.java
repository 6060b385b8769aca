package dev.linnet.controller.cli;

import dev.linnet.controller.config.ConfigMapOptions;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import dev.linnet.controller.annotation.NginxSize;
import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.status.StatusOptions;
import dev.linnet.gateway.metrics.MetricNames;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.proxy.ClientBodyBuffer;
import dev.linnet.gateway.proxy.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code linnet serve}: proxy by the Ingresses in manifest files, reloading them on change
 * ({@code --manifests}), or, without {@code --manifests}, by the Ingresses of the Kubernetes API
 * server (cluster mode: {@link ClusterServer}).
 */
@Command(
        name = "serve",
        description = "Serve the Ingresses of the Kubernetes API server (cluster mode), or, with --manifests, "
                + "those found in manifest files (standalone mode).",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false)
final class ServeCommand implements Callable<Integer> {

    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--manifests", paramLabel = "PATH",
            description = "A manifest file, or a directory whose *.yaml, *.yml and *.json files are read "
                    + "(one level deep, hidden files ignored). Repeatable. Watched: edits apply live.")
    List<Path> manifests = new ArrayList<>();

    @Mixin
    ListenerOptions listener = new ListenerOptions();

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Mixin
    UpstreamOptions upstream = new UpstreamOptions();

    @Option(names = "--annotations-prefix", paramLabel = "PREFIX", defaultValue = BuildOptions.DEFAULT_ANNOTATIONS_PREFIX,
            description = "Prefix of the canary annotations (default: ${DEFAULT-VALUE}).")
    String annotationsPrefix;

    // No picocli default: the default depends on the mode (cluster mode: linnet; with
    // --manifests: unset, every Ingress in the files is served). See toClusterConfig().
    @Option(names = "--ingress-class", paramLabel = "CLASS",
            description = "Serve only Ingresses of this class. Default in cluster mode: " + BuildOptions.DEFAULT_INGRESS_CLASS
                    + ". With --manifests and unset: every Ingress in the files is served.")
    String ingressClass;

    @Option(names = "--controller-class", paramLabel = "NAME", defaultValue = BuildOptions.DEFAULT_CONTROLLER_CLASS,
            description = "spec.controller of the IngressClass objects that are ours (default: ${DEFAULT-VALUE}).")
    String controllerClass;

    @Option(names = "--watch-ingress-without-class",
            description = "With --ingress-class, also serve Ingresses that name no class.")
    boolean watchIngressWithoutClass;

    @Option(names = "--serve-ingresses-with-snippets",
            description = "Serve an Ingress whose *-snippet is outside the safe subset Linnet reads (docs/snippets.md),"
                    + " without its snippets. Default: such an Ingress is not served; snippets inside the subset"
                    + " are applied either way.")
    boolean serveIngressesWithSnippets;

    @Option(names = "--default-backend-service", paramLabel = "NAMESPACE/NAME",
            description = "Service (first port) answering requests no Ingress matches and, unless an Ingress names its"
                    + " own default-backend, the errors listed in custom-http-errors, as ingress-nginx's flag."
                    + " Default: the built-in default backend (404 to everything).")
    String defaultBackendService;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Upstream connect timeout in seconds (default: ${DEFAULT-VALUE}).")
    long connectTimeoutSeconds;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest upstream silence while a response is awaited, in seconds (default: ${DEFAULT-VALUE}).")
    long readTimeoutSeconds;

    @Option(names = "--max-body-size", paramLabel = "SIZE", defaultValue = "1m",
            description = "Largest request body, nginx size syntax (bytes, 512k, 8m, 1g; 0 = unlimited); larger"
                    + " gets 413. Per Ingress: proxy-body-size (default: ${DEFAULT-VALUE}, as ingress-nginx).")
    String maxBodySize;

    @Option(names = "--client-body-temp-path", paramLabel = "DIR",
            description = "Directory of the temporary files holding buffered request bodies past their memory buffer"
                    + " (client-body-buffer-size); created owner-only, files unlinked as they are opened"
                    + " (default: java.io.tmpdir/linnet-client-body; nginx client_body_temp_path).")
    Path clientBodyTempPath;

    @Option(names = "--client-body-temp-max-size", paramLabel = "SIZE", defaultValue = "1g",
            description = "Most bytes in those temporary files at once, all requests together, nginx size syntax;"
                    + " a body that needs more gets 500, as nginx when it cannot write a temporary file."
                    + " 0 = no temporary files (default: ${DEFAULT-VALUE}).")
    String clientBodyTempMaxSize;

    @Option(names = "--configmap", paramLabel = "NAMESPACE/NAME",
            description = "The controller ConfigMap, as ingress-nginx's flag: its keys (ingress-nginx's names and "
                    + "values) apply live; an explicitly given flag wins over its key. With --manifests: that "
                    + "ConfigMap among the manifest files.")
    String configMap;

    // Cluster mode (no --manifests); issue 3.

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Cluster mode: kubeconfig to use. Default: KUBECONFIG, ~/.kube/config, then the in-cluster "
                    + "service account (fabric8's usual resolution).")
    Path kubeconfig;

    @Option(names = "--watch-namespace", paramLabel = "NAMESPACE",
            description = "Cluster mode: watch only this namespace. Repeatable. Default: all namespaces.")
    List<String> watchNamespaces = new ArrayList<>();

    @Option(names = "--election-id", paramLabel = "NAME", defaultValue = StatusOptions.DEFAULT_ELECTION_ID,
            description = "Cluster mode: name of the coordination.k8s.io Lease that elects the replica writing "
                    + "Ingress status, in the pod's namespace (default: ${DEFAULT-VALUE}).")
    String electionId;

    @Option(names = "--publish-service", paramLabel = "NAMESPACE/NAME",
            description = "Cluster mode: write this Service's load-balancer addresses into the status of our Ingresses.")
    String publishService;

    @Option(names = "--publish-status-address", paramLabel = "ADDRESS[,ADDRESS...]", split = ",",
            description = "Cluster mode: write these IPs or hostnames into the status of our Ingresses "
                    + "(wins over --publish-service).")
    List<String> publishStatusAddresses = new ArrayList<>();

    @Option(names = "--update-status-on-shutdown",
            description = "Cluster mode: the leader clears the status addresses of our Ingresses when it stops.")
    boolean updateStatusOnShutdown;

    /**
     * The configuration these flags describe in cluster mode.
     *
     * @throws IllegalArgumentException naming the flag when a value is out of range
     */
    ClusterConfig toClusterConfig() {
        GatewayConfig gateway = gatewayConfig();
        BuildOptions options = new BuildOptions(annotationsPrefix,
                ingressClass == null ? BuildOptions.DEFAULT_INGRESS_CLASS : ingressClass, controllerClass,
                watchIngressWithoutClass);
        options = tls.apply(options).withServeIngressesWithSnippets(serveIngressesWithSnippets)
                .withConfigMap(configMapOptions(gateway)).withDefaultBackendService(defaultBackendService());
        StatusOptions status = StatusOptions.of(electionId, publishService, publishStatusAddresses,
                updateStatusOnShutdown);
        return new ClusterConfig(kubeconfig, watchNamespaces, gateway, listener.adminPort, options, status,
                metricsOptions());
    }

    // ---- metrics: ingress-nginx's flags, same names and defaults (canary-spec.md §5) ----

    @Option(names = "--metrics-per-host", paramLabel = "BOOL", arity = "0..1", defaultValue = "true",
            fallbackValue = "true", description = "Add the host label to request metrics (default: ${DEFAULT-VALUE}).")
    boolean metricsPerHost;

    @Option(names = "--report-status-classes", paramLabel = "BOOL", arity = "0..1", defaultValue = "false",
            fallbackValue = "true", description = "Report status classes (2xx, 5xx …) instead of codes (default: ${DEFAULT-VALUE}).")
    boolean reportStatusClasses;

    @Option(names = "--exclude-socket-metrics", paramLabel = "NAMES", split = ",",
            description = "Request metrics not to export, comma-separated, e.g. "
                    + "nginx_ingress_controller_request_size,nginx_ingress_controller_bytes_sent.")
    List<String> excludeSocketMetrics = new ArrayList<>();

    @Option(names = "--time-buckets", paramLabel = "SECONDS", split = ",",
            description = "Buckets of the duration histograms (default: 0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10).")
    List<Double> timeBuckets = new ArrayList<>(MetricNames.TIME_BUCKETS);

    @Option(names = "--length-buckets", paramLabel = "BYTES", split = ",",
            description = "Buckets of request_size and response_size (default: 10,20,…,100, as ingress-nginx).")
    List<Double> lengthBuckets = new ArrayList<>(MetricNames.LENGTH_BUCKETS);

    @Option(names = "--size-buckets", paramLabel = "BYTES", split = ",",
            description = "Buckets of the deprecated bytes_sent (default: 10,100,…,1e7).")
    List<Double> sizeBuckets = new ArrayList<>(MetricNames.SIZE_BUCKETS);

    @Option(names = "--legacy-latency-metric",
            description = "Also export nginx_ingress_controller_ingress_upstream_latency_seconds, the Summary "
                    + "ingress-nginx removed in v1.12 (older dashboards and Flagger versions query it).")
    boolean legacyLatencyMetric;

    /**
     * The configuration these flags describe.
     *
     * @throws IllegalArgumentException naming the flag when a value is out of range
     */
    StandaloneConfig toConfig() {
        GatewayConfig gateway = gatewayConfig();
        BuildOptions options = tls.apply(new BuildOptions(annotationsPrefix, ingressClass, controllerClass,
                watchIngressWithoutClass)).withServeIngressesWithSnippets(serveIngressesWithSnippets)
                .withConfigMap(configMapOptions(gateway)).withDefaultBackendService(defaultBackendService());
        return new StandaloneConfig(manifests, gateway, listener.adminPort, options, metricsOptions());
    }

    /** {@code --default-backend-service}, checked; {@code null} when not given. */
    private String defaultBackendService() {
        if (defaultBackendService == null) {
            return null;
        }
        String[] parts = defaultBackendService.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("--default-backend-service: " + defaultBackendService
                    + " (expected: NAMESPACE/NAME)");
        }
        return defaultBackendService;
    }

    /** {@code --configmap}, over the settings the flags give, and which flags were given explicitly. */
    private ConfigMapOptions configMapOptions(GatewayConfig gateway) {
        Set<String> explicit = new HashSet<>();
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed != null) {
            for (OptionSpec o : parsed.matchedOptions()) {
                explicit.add(o.longestName());
            }
        }
        try {
            return new ConfigMapOptions(configMap == null || configMap.isBlank() ? null : configMap.strip(), gateway,
                    explicit);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /** The metrics flags, shared by both modes. */
    private MetricsOptions metricsOptions() {
        try {
            return MetricsOptions.defaults()
                    .withPerHost(metricsPerHost)
                    .withStatusClasses(reportStatusClasses)
                    .withExcluded(new LinkedHashSet<>(excludeSocketMetrics))
                    .withBuckets(timeBuckets, lengthBuckets, sizeBuckets)
                    .withLegacyLatency(legacyLatencyMetric)
                    // ingress-nginx's constant labels: the pod's namespace and name (downward API).
                    .withController(env("POD_NAMESPACE"), controllerClass, env("POD_NAME"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "" : v;
    }

    private GatewayConfig gatewayConfig() {
        if (connectTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("--connect-timeout: " + connectTimeoutSeconds + " (expected: > 0)");
        }
        if (readTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("--read-timeout: " + readTimeoutSeconds + " (expected: > 0)");
        }
        long maxBodyBytes = NginxSize.parse(maxBodySize);
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("--max-body-size: " + maxBodySize + " (expected: " + NginxSize.EXPECTED
                    + ")");
        }
        long tempMax = NginxSize.parse(clientBodyTempMaxSize);
        if (tempMax < 0) {
            throw new IllegalArgumentException("--client-body-temp-max-size: " + clientBodyTempMaxSize + " (expected: "
                    + NginxSize.EXPECTED + ")");
        }
        checkPort("--http-port", listener.httpPort);
        checkPort("--admin-port", listener.adminPort);
        GatewayConfig base = GatewayConfig.defaults();
        ClientBodyBuffer clientBody = base.clientBody().withTemp(
                clientBodyTempPath == null ? base.clientBody().tempPath() : clientBodyTempPath, tempMax);
        return tls.apply(upstream.applyTo(limits.applyTo(base.toBuilder().clientBody(clientBody).build()))
                .withBindAddress(listener.bindAddress)
                .withHttpPort(listener.httpPort)
                .withTimeouts(Duration.ofSeconds(connectTimeoutSeconds), Duration.ofSeconds(readTimeoutSeconds))
                .withMaxRequestBodySize(maxBodyBytes));
    }

    private static void checkPort(String flag, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + ": " + port + " (expected: 0-65535)");
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Drainable server;
        try {
            server = manifests.isEmpty() ? ClusterServer.start(toClusterConfig()) : StandaloneServer.start(toConfig());
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            spec.commandLine().getErr().println("serve: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IllegalStateException | io.fabric8.kubernetes.client.KubernetesClientException e) {
            spec.commandLine().getErr().println("serve: " + e.getMessage());
            return 1;
        }
        Shutdown.drainOnSignal(server, Duration.ofSeconds(limits.shutdownDelaySeconds),
                Duration.ofSeconds(limits.shutdownGraceSeconds));
        return 0;
    }
}
