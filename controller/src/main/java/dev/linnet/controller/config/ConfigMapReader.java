package dev.linnet.controller.config;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.build.ConfigWarning;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the controller ConfigMap ({@code --configmap}) into the settings of one build
 * (annotations-spec.md §8, DESIGN.md "Global settings"): the flags' gateway settings with the
 * ConfigMap's keys applied, the annotation defaults, and the warnings. A pure function of the
 * build's objects: the ConfigMap comes from the cluster state like any other object, so an edit
 * is one more change the control loop builds and publishes, without a restart.
 *
 * <pre>
 *   no --configmap, or not found ─▶ the flags' settings, built-in defaults (not found: one warning)
 *   found ─▶ each family reads its keys ─▶ invalid value: warning, the key's default
 *                                        ─▶ key mirrors a flag given explicitly: the flag wins, warning
 *         ─▶ keys nobody read: one warning each for not implemented / nginx tuning / unknown
 * </pre>
 */
public final class ConfigMapReader {

    /** How the warning listing the keys Linnet does not implement starts (the keys follow, comma-separated). */
    public static final String NOT_IMPLEMENTED = "not implemented by Linnet, ignored: ";
    /** How the warning listing nginx's own tuning keys starts. */
    public static final String NGINX_ONLY = "nginx tuning without meaning in Linnet, ignored: ";
    /** How the warning listing keys neither knows starts. */
    public static final String UNKNOWN = "unknown keys, ignored (as ingress-nginx ignores them): ";

    private ConfigMapReader() {
    }

    public static ControllerSettings read(ConfigMapOptions options, ClusterLookup lookup) {
        return read(options, lookup, false);
    }

    /** As {@link #read(ConfigMapOptions, ClusterLookup)}; {@code asIngressNginx}: as ingress-nginx reads it. */
    public static ControllerSettings read(ConfigMapOptions options, ClusterLookup lookup, boolean asIngressNginx) {
        requireNonNull(options, "options");
        requireNonNull(lookup, "lookup");
        if (options.ref() == null) {
            return apply(nginx(ConfigMapData.empty(null, null), asIngressNginx), options, lookup, List.of());
        }
        ConfigMap found = lookup.configMap(options.namespace(), options.name());
        if (found == null) {
            ConfigWarning missing = new ConfigWarning("ConfigMap", options.namespace(), options.name(),
                    "not found (--configmap): every key at its default until it exists");
            return apply(nginx(ConfigMapData.empty(options.namespace(), options.name()), asIngressNginx), options,
                    lookup, List.of(missing));
        }
        Map<String, String> data = found.getData() == null ? Map.of() : found.getData();
        return apply(nginx(new ConfigMapData(options.namespace(), options.name(), data, options.explicitFlags()),
                asIngressNginx), options, lookup, List.of());
    }

    private static ConfigMapData nginx(ConfigMapData data, boolean asIngressNginx) {
        return asIngressNginx ? data.readAsIngressNginx() : data;
    }

    private static ControllerSettings apply(ConfigMapData data, ConfigMapOptions options, ClusterLookup lookup,
                                            List<ConfigWarning> first) {
        SettingsBuilder out = new SettingsBuilder(options.base(), lookup);
        for (ConfigMapKeys.Family family : ConfigMapKeys.FAMILIES) {
            family.read(data, out);
        }
        List<String> notImplemented = new ArrayList<>();
        List<String> nginxOnly = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String key : data.unread()) {
            if (ConfigMapKeys.NOT_IMPLEMENTED.contains(key)) {
                notImplemented.add(key);
            } else if (ConfigMapKeys.NGINX_ONLY.contains(key)) {
                nginxOnly.add(key);
            } else {
                unknown.add(key);
            }
        }
        if (!notImplemented.isEmpty()) {
            data.warn(NOT_IMPLEMENTED + String.join(", ", notImplemented));
        }
        if (!nginxOnly.isEmpty()) {
            data.warn(NGINX_ONLY + String.join(", ", nginxOnly));
        }
        if (!unknown.isEmpty()) {
            data.warn(UNKNOWN + String.join(", ", unknown));
        }
        List<ConfigWarning> warnings = new ArrayList<>(first);
        warnings.addAll(data.warnings());
        return new ControllerSettings(out.gateway().build(), out.defaults(), warnings, out.errorPages());
    }
}
