package dev.linnet.controller.build;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.RouteTable;
import java.util.List;

/** What one build produced: the table to publish and the warnings to report. */
public record BuildResult(RouteTable table, List<ConfigWarning> warnings) {

    public BuildResult {
        requireNonNull(table, "table");
        warnings = List.copyOf(warnings);
    }
}
