package dev.linnet.controller.build;

import dev.linnet.gateway.proxy.GatewayConfig;
import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.RouteTable;
import java.util.List;

/**
 * What one build produced: the table to publish, the warnings to report, and the gateway
 * settings the controller ConfigMap puts in force with it ({@code null}: leave them as they are).
 */
public record BuildResult(RouteTable table, List<ConfigWarning> warnings, GatewayConfig gateway) {

    public BuildResult {
        requireNonNull(table, "table");
        warnings = List.copyOf(warnings);
    }

    /** A result that leaves the gateway settings as they are. */
    public BuildResult(RouteTable table, List<ConfigWarning> warnings) {
        this(table, warnings, null);
    }
}
