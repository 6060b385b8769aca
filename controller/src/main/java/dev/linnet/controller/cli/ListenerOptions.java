package dev.linnet.controller.cli;

import picocli.CommandLine.Option;

/** The listener flags {@code serve} and {@code demo} share (a picocli mixin). */
final class ListenerOptions {

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "HTTP listener port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int httpPort;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "10254",
            description = "Admin listener port: /healthz, /readyz, /metrics, /debug/routes (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--bind-address", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address both listeners bind (default: ${DEFAULT-VALUE}).")
    String bindAddress;
}
