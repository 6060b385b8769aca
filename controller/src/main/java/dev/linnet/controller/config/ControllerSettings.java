package dev.linnet.controller.config;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.gateway.proxy.GatewayConfig;
import java.util.List;

/**
 * What the controller ConfigMap (with the flags) means for one build.
 *
 * @param gateway the gateway settings to put in force: the flags' settings with the ConfigMap's
 *     keys applied
 * @param defaults what the annotation parsers use where an Ingress says nothing
 * @param warnings invalid values, flag conflicts, keys Linnet does not implement, unknown keys
 * @param errorPages the global {@code custom-http-errors} and {@code disable-proxy-intercept-errors}
 */
public record ControllerSettings(GatewayConfig gateway, AnnotationDefaults defaults, List<ConfigWarning> warnings,
        ErrorPageDefaults errorPages) {

    public ControllerSettings {
        requireNonNull(gateway, "gateway");
        requireNonNull(defaults, "defaults");
        warnings = List.copyOf(warnings);
        requireNonNull(errorPages, "errorPages");
    }

    /** Settings without global error pages. */
    public ControllerSettings(GatewayConfig gateway, AnnotationDefaults defaults, List<ConfigWarning> warnings) {
        this(gateway, defaults, warnings, ErrorPageDefaults.NONE);
    }
}
