package dev.linnet.controller.cli;

import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.NextUpstream;
import dev.linnet.gateway.upstream.PassiveHealth;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The retry and passive health check flags of {@code serve} (a picocli mixin): the listener-wide
 * defaults that a route's {@code proxy-next-upstream*} annotations override. Named after
 * ingress-nginx's ConfigMap keys (docs/fault-tolerance.md), which Linnet does not read yet.
 */
final class UpstreamOptions {

    @Option(names = "--proxy-next-upstream", paramLabel = "WORDS", defaultValue = "error timeout",
            description = "When a failed attempt goes to the next endpoint: " + NextUpstream.EXPECTED
                    + " (default: ${DEFAULT-VALUE}, as ingress-nginx).")
    String nextUpstream;

    @Option(names = "--proxy-next-upstream-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "No retry starts this long after the first attempt (default: ${DEFAULT-VALUE}, no limit).")
    long nextUpstreamTimeoutSeconds;

    @Option(names = "--proxy-next-upstream-tries", paramLabel = "COUNT", defaultValue = "3",
            description = "Attempts per request, the first included; 0: each endpoint once (default: ${DEFAULT-VALUE}, as ingress-nginx).")
    int nextUpstreamTries;

    @Option(names = "--upstream-max-fails", paramLabel = "COUNT", defaultValue = "1",
            description = "Failures within --upstream-fail-timeout after which an endpoint is skipped for that long "
                    + "(default: ${DEFAULT-VALUE}, nginx's max_fails; 0 turns the passive health check off).")
    int maxFails;

    @Option(names = "--upstream-fail-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "The window of --upstream-max-fails, and how long an endpoint is then skipped "
                    + "(default: ${DEFAULT-VALUE}, nginx's fail_timeout; 0 turns the check off).")
    long failTimeoutSeconds;

    /**
     * {@code base} with these settings.
     *
     * @throws IllegalArgumentException naming the flag when a value is out of range
     */
    GatewayConfig applyTo(GatewayConfig base) {
        int conditions = NextUpstream.parseConditions(nextUpstream);
        if (conditions < 0) {
            throw new IllegalArgumentException("--proxy-next-upstream: " + nextUpstream + " (expected: "
                    + NextUpstream.EXPECTED + ")");
        }
        atLeast("--proxy-next-upstream-timeout", nextUpstreamTimeoutSeconds, 0);
        atLeast("--proxy-next-upstream-tries", nextUpstreamTries, 0); // 0: each endpoint once, as the annotation
        atLeast("--upstream-max-fails", maxFails, 0);
        atLeast("--upstream-fail-timeout", failTimeoutSeconds, 0);
        return base.toBuilder()
                .nextUpstream(new NextUpstream(conditions, Duration.ofSeconds(nextUpstreamTimeoutSeconds)))
                .maxTries(nextUpstreamTries)
                .passiveHealth(new PassiveHealth(maxFails, Duration.ofSeconds(failTimeoutSeconds)))
                .build();
    }

    private static void atLeast(String flag, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: >= " + min + ")");
        }
    }
}
