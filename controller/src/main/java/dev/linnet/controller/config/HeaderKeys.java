package dev.linnet.controller.config;

import dev.linnet.controller.annotation.ClusterLookup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code global-allowed-response-headers} (annotations-spec.md §3.4): the comma-separated header
 * names a {@code custom-headers} ConfigMap may set (case-sensitive; default empty, so every use of
 * {@code custom-headers} answers 503 until the admin lists the names, as in ingress-nginx).
 */
public final class HeaderKeys {

    static final String ALLOWED_RESPONSE_HEADERS = "global-allowed-response-headers";

    private HeaderKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        allowed(d); // read here so the key is not reported as unimplemented; the builder takes it below
    }

    static Set<String> allowed(ConfigMapData d) {
        return Set.copyOf(new LinkedHashSet<>(d.list(ALLOWED_RESPONSE_HEADERS)));
    }

    /**
     * The allow list of the controller ConfigMap {@code options} names, from the build's objects
     * (empty without one). The custom-headers parser takes it as a parameter.
     */
    public static Set<String> allowedResponseHeaders(ConfigMapOptions options, ClusterLookup lookup) {
        if (options.ref() == null) {
            return Set.of();
        }
        ConfigMap found = lookup.configMap(options.namespace(), options.name());
        Map<String, String> data = found == null || found.getData() == null ? Map.of() : found.getData();
        return allowed(new ConfigMapData(options.namespace(), options.name(), data, Set.of()));
    }
}
