package dev.linnet.controller.config;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.proxy.GatewayConfig;
import java.util.Set;

/**
 * Where the controller ConfigMap is and what it changes ({@code --configmap}).
 *
 * @param ref {@code namespace/name} of the ConfigMap, or {@code null}: none (every key at its default)
 * @param base the gateway settings the flags describe; the ConfigMap's keys apply on top of them
 * @param explicitFlags the flags given on the command line (e.g. {@code --keep-alive}): an
 *     explicit flag wins over its ConfigMap key, with a warning when both are set
 */
public record ConfigMapOptions(String ref, GatewayConfig base, Set<String> explicitFlags) {

    /** No ConfigMap, the gateway's own defaults: what tests and tables built by hand get. */
    public static final ConfigMapOptions NONE = new ConfigMapOptions(null, GatewayConfig.defaults(), Set.of());

    public ConfigMapOptions {
        requireNonNull(base, "base");
        explicitFlags = Set.copyOf(requireNonNull(explicitFlags, "explicitFlags"));
        if (ref != null) {
            String[] parts = ref.split("/", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException("configmap: " + ref + " (expected: NAMESPACE/NAME)");
            }
        }
    }

    public String namespace() {
        return ref == null ? null : ref.substring(0, ref.indexOf('/'));
    }

    public String name() {
        return ref == null ? null : ref.substring(ref.indexOf('/') + 1);
    }
}
