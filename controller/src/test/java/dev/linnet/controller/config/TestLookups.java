package dev.linnet.controller.config;

import dev.linnet.controller.annotation.ClusterLookup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.function.BiFunction;

/** Lookups over ConfigMaps only, for the key families' tests. */
final class TestLookups {

    private TestLookups() {
    }

    /** Finds ConfigMaps with {@code configMaps} (namespace, name); no Secrets. */
    static ClusterLookup configMaps(BiFunction<String, String, ConfigMap> configMaps) {
        return new ClusterLookup() {
            @Override
            public Secret secret(String namespace, String name) {
                return null;
            }

            @Override
            public ConfigMap configMap(String namespace, String name) {
                return configMaps.apply(namespace, name);
            }
        };
    }
}
