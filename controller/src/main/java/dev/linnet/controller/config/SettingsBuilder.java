package dev.linnet.controller.config;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.gateway.proxy.GatewayConfig;

/**
 * What the key families of {@link ConfigMapKeys} write into while one ConfigMap is read: the
 * gateway settings (starting from the flags' ones) and the annotation defaults. {@link #lookup()}
 * finds the objects a key names (the ConfigMaps of {@code proxy-set-headers}, {@code add-headers}).
 */
public final class SettingsBuilder {

    private final GatewayConfig.Builder gateway;
    private final ClusterLookup lookup;
    private AnnotationDefaults defaults = AnnotationDefaults.DEFAULT;
    private ErrorPageDefaults errorPages = ErrorPageDefaults.NONE;

    SettingsBuilder(GatewayConfig base, ClusterLookup lookup) {
        this.gateway = requireNonNull(base, "base").toBuilder();
        this.lookup = requireNonNull(lookup, "lookup");
    }

    public GatewayConfig.Builder gateway() {
        return gateway;
    }

    public ClusterLookup lookup() {
        return lookup;
    }

    public AnnotationDefaults defaults() {
        return defaults;
    }

    public void defaults(AnnotationDefaults next) {
        defaults = requireNonNull(next, "next");
    }

    /** The global error pages ({@link ErrorPageKeys}). */
    public ErrorPageDefaults errorPages() {
        return errorPages;
    }

    public void errorPages(ErrorPageDefaults next) {
        errorPages = requireNonNull(next, "next");
    }
}
