package dev.linnet.controller.cli;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code linnet serve --manifests ...} needs. The admin listener binds the same
 * address as the HTTP listener, as ingress-nginx's does.
 *
 * @param manifests files or directories read by the {@link dev.linnet.controller.source.FileSource}
 * @param gateway the HTTP listener and upstream settings
 * @param adminPort the admin listener's port; 0 picks a free one
 * @param buildOptions how Ingresses are read (class, annotation prefix)
 * @param metrics the shape of the request metrics (the metrics flags)
 */
public record StandaloneConfig(List<Path> manifests, GatewayConfig gateway, int adminPort, BuildOptions buildOptions,
                               MetricsOptions metrics) {

    public StandaloneConfig {
        manifests = List.copyOf(requireNonNull(manifests, "manifests"));
        requireNonNull(gateway, "gateway");
        requireNonNull(buildOptions, "buildOptions");
        requireNonNull(metrics, "metrics");
        if (manifests.isEmpty()) {
            throw new IllegalArgumentException("manifests: [] (expected: at least one file or directory)");
        }
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("adminPort: " + adminPort + " (expected: 0-65535)");
        }
    }

    /** With ingress-nginx's default metrics. */
    public StandaloneConfig(List<Path> manifests, GatewayConfig gateway, int adminPort, BuildOptions buildOptions) {
        this(manifests, gateway, adminPort, buildOptions, MetricsOptions.defaults());
    }
}
