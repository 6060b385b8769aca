package dev.linnet.controller.build;

import dev.linnet.controller.annotation.ClusterLookup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.Map;

/** The build's objects by namespace and name, for annotations that name one. */
final class StateLookup implements ClusterLookup {

    private final Map<String, Secret> secrets = new HashMap<>();
    private final Map<String, ConfigMap> configMaps = new HashMap<>();

    StateLookup(ClusterState state) {
        for (Secret s : state.secrets()) {
            if (s.getMetadata() != null && s.getMetadata().getName() != null) {
                secrets.put(key(s.getMetadata().getNamespace(), s.getMetadata().getName()), s);
            }
        }
        for (ConfigMap c : state.configMaps()) {
            if (c.getMetadata() != null && c.getMetadata().getName() != null) {
                configMaps.put(key(c.getMetadata().getNamespace(), c.getMetadata().getName()), c);
            }
        }
    }

    @Override
    public ConfigMap configMap(String namespace, String name) {
        return configMaps.get(key(namespace, name));
    }

    @Override
    public Secret secret(String namespace, String name) {
        return secrets.get(key(namespace, name));
    }

    private static String key(String namespace, String name) {
        return (namespace == null ? "default" : namespace) + '/' + name;
    }
}
