package dev.linnet.controller.cli;

import ch.qos.logback.classic.Level;
import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.ClusterState;
import dev.linnet.controller.check.CheckReport;
import dev.linnet.controller.check.MigrationCheck;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.controller.source.ClusterSource;
import dev.linnet.controller.source.FileSource;
import dev.linnet.gateway.proxy.GatewayConfig;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code linnet check}: reads the objects Linnet would serve — from manifest files, or from a
 * cluster with list calls only — and reports, Ingress by Ingress, whether Linnet serves it exactly
 * as ingress-nginx would ({@link MigrationCheck}). Never writes to the cluster, starts no gateway.
 * Exit 0: all the same; 1: at least one Ingress differs or is not served; 2: usage or input error.
 */
@Command(
        name = "check",
        description = "Report, Ingress by Ingress, whether Linnet serves it exactly as ingress-nginx would, and if not,"
                + " why (from manifest files with --manifests, else read-only from the cluster). Exit 0: all the same;"
                + " 1: some Ingress differs or is not served; 2: usage or input error.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false)
final class CheckCommand implements Callable<Integer> {

    static final int EXIT_USAGE = 2;

    /** Output formats. */
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--manifests", paramLabel = "PATH", arity = "1..*",
            description = "Manifest files or directories, read as serve --manifests reads them. Repeatable.")
    List<Path> manifests = new ArrayList<>();

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Without --manifests: the cluster to read (list calls only). Default: KUBECONFIG,"
                    + " ~/.kube/config, then the in-cluster service account.")
    Path kubeconfig;

    @Option(names = "--configmap", paramLabel = "NAMESPACE/NAME",
            description = "The controller ConfigMap, as serve's flag (and ingress-nginx's).")
    String configMap;

    @Option(names = "--ingress-class", paramLabel = "CLASS",
            description = "Check only Ingresses of this class; the others are skipped and counted. --ingress-class"
                    + " nginx checks what ingress-nginx serves today. Default: with --manifests every Ingress, else "
                    + BuildOptions.DEFAULT_INGRESS_CLASS + ".")
    String ingressClass;

    @Option(names = "--controller-class", paramLabel = "NAME",
            description = "spec.controller of the IngressClasses that count as the checked class. Default: that of"
                    + " the IngressClass named by --ingress-class (k8s.io/ingress-nginx for nginx), else "
                    + BuildOptions.DEFAULT_CONTROLLER_CLASS + ".")
    String controllerClass;

    @Option(names = "--watch-ingress-without-class",
            description = "With --ingress-class, also check Ingresses that name no class (as the serve flag).")
    boolean watchIngressWithoutClass;

    @Option(names = "--watch-namespace", paramLabel = "NAMESPACE",
            description = "Cluster: read only this namespace. Repeatable. Default: all namespaces.")
    List<String> watchNamespaces = new ArrayList<>();

    @Option(names = "--annotations-prefix", paramLabel = "PREFIX", defaultValue = BuildOptions.DEFAULT_ANNOTATIONS_PREFIX,
            description = "Annotation prefix, as serve's flag (default: ${DEFAULT-VALUE}).")
    String annotationsPrefix;

    @Option(names = "--serve-ingresses-with-snippets",
            description = "Check as Linnet would run with this serve flag: an Ingress whose snippet is outside the"
                    + " subset is served without its snippets (different) instead of not served.")
    boolean serveIngressesWithSnippets;

    @Option(names = "--default-backend-service", paramLabel = "NAMESPACE/NAME",
            description = "As serve's flag (and ingress-nginx's).")
    String defaultBackendService;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "Output: text (the Ingresses that are not the same, then a summary) or json (everything;"
                    + " README \"Before you switch\"). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Cluster: how long to wait for the API server's lists (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        quietLogs();
        if (!manifests.isEmpty() && kubeconfig != null) {
            return usage("--manifests and --kubeconfig: give one (files, or a cluster)");
        }
        if (!manifests.isEmpty() && !watchNamespaces.isEmpty()) {
            return usage("--watch-namespace: only with a cluster (without --manifests)");
        }
        if (timeoutSeconds <= 0) {
            return usage("--timeout: " + timeoutSeconds + " (expected: > 0)");
        }
        ClusterState state;
        BuildOptions options;
        try {
            options = options(manifests.isEmpty() ? BuildOptions.DEFAULT_INGRESS_CLASS : null);
            state = manifests.isEmpty() ? readCluster(options) : FileSource.readOnce(manifests);
        } catch (IllegalArgumentException | InputException e) {
            return usage(e.getMessage());
        }
        CheckReport report;
        try {
            report = MigrationCheck.run(state, withControllerClass(options, state));
        } catch (RuntimeException e) { // never exit 1 ("some Ingress differs") for a build that broke
            return usage("the objects could not be checked (one the API server would refuse, or a bug): " + oneLine(e)
                    + " at " + (e.getStackTrace().length == 0 ? "?" : e.getStackTrace()[0]));
        }
        spec.commandLine().getOut().print(format == Format.json ? report.json() : report.text());
        spec.commandLine().getOut().flush();
        return report.exitCode();
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("check: " + message);
        return EXIT_USAGE;
    }

    private BuildOptions options(String defaultClass) {
        return options(defaultClass, controllerClass == null ? BuildOptions.DEFAULT_CONTROLLER_CLASS : controllerClass);
    }

    private BuildOptions options(String defaultClass, String controller) {
        if (defaultBackendService != null && defaultBackendService.split("/", -1).length != 2) {
            throw new IllegalArgumentException("--default-backend-service: " + defaultBackendService
                    + " (expected: NAMESPACE/NAME)");
        }
        ConfigMapOptions cm;
        try {
            cm = new ConfigMapOptions(configMap == null || configMap.isBlank() ? null : configMap.strip(),
                    GatewayConfig.defaults(), Set.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
        return new BuildOptions(annotationsPrefix, ingressClass == null ? defaultClass : ingressClass, controller,
                watchIngressWithoutClass).withServeIngressesWithSnippets(serveIngressesWithSnippets)
                .withConfigMap(cm).withDefaultBackendService(defaultBackendService);
    }

    /**
     * Without {@code --controller-class}, the IngressClass named by the checked class decides
     * which controller's classes count: {@code --ingress-class nginx} then takes in what the
     * {@code nginx} class's controller (ingress-nginx) serves, its default class included.
     */
    private BuildOptions withControllerClass(BuildOptions options, ClusterState state) {
        if (controllerClass != null || options.ingressClass() == null) {
            return options;
        }
        for (IngressClass c : state.ingressClasses()) {
            if (c.getMetadata() != null && options.ingressClass().equals(c.getMetadata().getName())
                    && c.getSpec() != null && c.getSpec().getController() != null) {
                return options(options.ingressClass(), c.getSpec().getController());
            }
        }
        return options;
    }

    /** What a failed read is, for a one-line message (exit 2). */
    static final class InputException extends Exception {
        private static final long serialVersionUID = 1L;

        InputException(String message) {
            super(message);
        }
    }

    /** Lists what a serving replica would watch, with the same source (list calls: the informers' initial lists). */
    private ClusterState readCluster(BuildOptions options) throws InputException {
        try (KubernetesClient client = connect()) {
            String server = client.getConfiguration().getMasterUrl();
            try {
                var list = new ListOptionsBuilder().withLimit(1L).build();
                if (watchNamespaces.isEmpty()) {
                    client.network().v1().ingresses().inAnyNamespace().list(list);
                } else {
                    for (String ns : watchNamespaces) {
                        client.network().v1().ingresses().inNamespace(ns).list(list);
                    }
                }
            } catch (KubernetesClientException e) {
                throw new InputException("cannot list Ingresses from " + server + ": " + oneLine(e));
            }
            ClusterSource source = ClusterSource.create(client, watchNamespaces, options);
            try {
                source.start(() -> { });
                long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
                while (!source.hasSynced()) {
                    if (System.nanoTime() > deadline) {
                        throw new InputException("the API server at " + server + " did not answer every list within "
                                + timeoutSeconds + " s (--timeout); RBAC: the chart's ClusterRole is enough");
                    }
                    Thread.sleep(50); // polling a flag set by fabric8's informer threads; no event to wait on
                }
                return source.snapshot();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InputException("interrupted while reading from " + server);
            } finally {
                source.close();
            }
        }
    }

    private KubernetesClient connect() throws InputException {
        Config config;
        if (kubeconfig == null) {
            config = new ConfigBuilder(Config.autoConfigure(null)).build();
        } else {
            try {
                config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new InputException("--kubeconfig " + kubeconfig + ": cannot be read (" + e.getMessage() + ")");
            } catch (KubernetesClientException | IllegalArgumentException e) {
                throw new InputException("--kubeconfig " + kubeconfig + ": " + oneLine(e));
            }
        }
        // one try per call: an unreachable server is an answer (exit 2), not something to wait out
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(10_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The report is the output: informer and builder logs would only repeat it (and break the JSON on stdout). */
    private static void quietLogs() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.OFF);
        }
    }
}
