package dev.linnet.controller.cli;

import dev.linnet.gateway.proxy.GatewayConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The client limits, request rules and shutdown flags of {@code serve} (a picocli mixin). Names follow
 * ingress-nginx's ConfigMap keys where it has one; defaults are its defaults (docs/limits-and-shutdown.md).
 */
final class LimitOptions {

    @Option(names = "--max-request-line", paramLabel = "BYTES", defaultValue = "8192",
            description = "Longest request line; longer gets 414 (default: ${DEFAULT-VALUE}; "
                    + "ingress-nginx large-client-header-buffers 4 8k).")
    int maxRequestLine;

    @Option(names = "--max-header-size", paramLabel = "BYTES", defaultValue = "8192",
            description = "Largest request header block; larger gets 431 (default: ${DEFAULT-VALUE}).")
    int maxHeaderSize;

    @Option(names = "--max-headers", paramLabel = "COUNT", defaultValue = "100",
            description = "Most header fields in one request; more gets 431 (default: ${DEFAULT-VALUE}).")
    int maxHeaders;

    @Option(names = "--keep-alive", paramLabel = "SECONDS", defaultValue = "75",
            description = "How long an idle keep-alive connection is kept, client and upstream "
                    + "(default: ${DEFAULT-VALUE}; ingress-nginx keep-alive).")
    long keepAliveSeconds;

    @Option(names = "--keep-alive-requests", paramLabel = "COUNT", defaultValue = "1000",
            description = "Most requests on one client connection, 0 = unlimited (default: ${DEFAULT-VALUE}; "
                    + "ingress-nginx keep-alive-requests).")
    int keepAliveRequests;

    @Option(names = "--client-header-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest time to receive a request head, from its first byte; past it the connection "
                    + "is closed (default: ${DEFAULT-VALUE}; ingress-nginx client-header-timeout).")
    long clientHeaderTimeoutSeconds;

    @Option(names = "--client-body-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest silence of a client sending a request body; past it 408 "
                    + "(default: ${DEFAULT-VALUE}; ingress-nginx client-body-timeout).")
    long clientBodyTimeoutSeconds;

    @Option(names = "--max-connections", paramLabel = "COUNT", defaultValue = "0",
            description = "Most concurrent client connections over all listeners; more are closed at accept. "
                    + "0 = unlimited (default: ${DEFAULT-VALUE}; ingress-nginx max-worker-connections).")
    int maxConnections;

    @Option(names = "--shutdown-delay", paramLabel = "SECONDS", defaultValue = "5",
            description = "After SIGTERM, how long /readyz answers 503 while the listeners still accept, so load "
                    + "balancers stop sending (default: ${DEFAULT-VALUE}; ingress-nginx shutdown-grace-period).")
    long shutdownDelaySeconds;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "30",
            description = "Then, how long open requests and tunnels may take to finish before they are cut "
                    + "(default: ${DEFAULT-VALUE}; nginx worker-shutdown-timeout).")
    long shutdownGraceSeconds;

    @Option(names = "--enable-underscores-in-headers", paramLabel = "BOOL", arity = "0..1", defaultValue = "false",
            fallbackValue = "true", description = "Pass request headers whose names contain '_' on; off, they are "
                    + "dropped as nginx does (default: ${DEFAULT-VALUE}; ingress-nginx enable-underscores-in-headers).")
    boolean underscoresInHeaders;

    /**
     * {@code base} with these limits.
     *
     * @throws IllegalArgumentException naming the flag when a value is out of range
     */
    GatewayConfig applyTo(GatewayConfig base) {
        atLeast("--max-request-line", maxRequestLine, 1);
        atLeast("--max-header-size", maxHeaderSize, 1);
        atLeast("--max-headers", maxHeaders, 1);
        atLeast("--keep-alive", keepAliveSeconds, 1);
        atLeast("--keep-alive-requests", keepAliveRequests, 0);
        atLeast("--client-header-timeout", clientHeaderTimeoutSeconds, 1);
        atLeast("--client-body-timeout", clientBodyTimeoutSeconds, 1);
        atLeast("--max-connections", maxConnections, 0);
        atLeast("--shutdown-delay", shutdownDelaySeconds, 0);
        atLeast("--shutdown-grace", shutdownGraceSeconds, 0);
        return base.toBuilder()
                .maxInitialLineLength(maxRequestLine)
                .maxHeaderSize(maxHeaderSize)
                .maxHeaders(maxHeaders)
                .idleTimeout(Duration.ofSeconds(keepAliveSeconds))
                .keepAliveRequests(keepAliveRequests)
                .clientHeaderTimeout(Duration.ofSeconds(clientHeaderTimeoutSeconds))
                .clientBodyTimeout(Duration.ofSeconds(clientBodyTimeoutSeconds))
                .maxConnections(maxConnections)
                .shutdownDelay(Duration.ofSeconds(shutdownDelaySeconds))
                .shutdownGrace(Duration.ofSeconds(shutdownGraceSeconds))
                .underscoresInHeaders(underscoresInHeaders)
                .build();
    }

    private static void atLeast(String flag, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: >= " + min
                    + (min == 0 && !flag.startsWith("--shutdown") ? ", 0 = unlimited)" : ")"));
        }
    }
}
