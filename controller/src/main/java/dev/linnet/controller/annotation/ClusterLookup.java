package dev.linnet.controller.annotation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * The objects an annotation may name (an auth Secret, a ConfigMap of headers), as the build's
 * cluster state holds them. Lookups never reach the API server: the builder stays a pure function.
 */
public interface ClusterLookup {

    /** Nothing to look up in (parsers that name no object, tests). */
    ClusterLookup EMPTY = (namespace, name) -> null;

    /** The Secret, or {@code null} when the state has none of that name. */
    Secret secret(String namespace, String name);

    /** The ConfigMap, or {@code null} when the state has none of that name. */
    default ConfigMap configMap(String namespace, String name) {
        return null;
    }
}
