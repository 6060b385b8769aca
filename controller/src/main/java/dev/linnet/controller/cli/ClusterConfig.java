package dev.linnet.controller.cli;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.status.StatusOptions;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code linnet serve} needs in cluster mode (no {@code --manifests}).
 *
 * @param kubeconfig {@code --kubeconfig}, or {@code null} for fabric8's usual resolution
 *     (KUBECONFIG, ~/.kube/config, then the in-cluster service account)
 * @param watchNamespaces {@code --watch-namespace}; empty watches all namespaces
 * @param gateway the HTTP listener and upstream settings
 * @param adminPort the admin listener's port; 0 picks a free one
 * @param buildOptions how Ingresses are read; its ingress class is {@code linnet} unless given
 * @param statusOptions leader election, status publishing
 * @param metrics the shape of the request metrics (the metrics flags)
 */
public record ClusterConfig(Path kubeconfig, List<String> watchNamespaces, GatewayConfig gateway, int adminPort,
                            BuildOptions buildOptions, StatusOptions statusOptions, MetricsOptions metrics) {

    public ClusterConfig {
        watchNamespaces = List.copyOf(requireNonNull(watchNamespaces, "watchNamespaces"));
        requireNonNull(gateway, "gateway");
        requireNonNull(buildOptions, "buildOptions");
        requireNonNull(statusOptions, "statusOptions");
        requireNonNull(metrics, "metrics");
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("adminPort: " + adminPort + " (expected: 0-65535)");
        }
    }

    /** With ingress-nginx's default metrics. */
    public ClusterConfig(Path kubeconfig, List<String> watchNamespaces, GatewayConfig gateway, int adminPort,
                         BuildOptions buildOptions, StatusOptions statusOptions) {
        this(kubeconfig, watchNamespaces, gateway, adminPort, buildOptions, statusOptions, MetricsOptions.defaults());
    }
}
