package dev.linnet.gateway.upstream;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * nginx's passive health check, {@code server … max_fails=N fail_timeout=T}: an endpoint that
 * failed {@code maxFails} times within {@code failTimeout} is skipped for {@code failTimeout}.
 * The defaults are nginx's own for a {@code server} line (1 and 10 s); ingress-nginx's Lua
 * balancer has no such check, and the flags are named after the {@code upstream-max-fails} /
 * {@code upstream-fail-timeout} annotations it had before that balancer (docs/fault-tolerance.md).
 *
 * @param maxFails failures that skip an endpoint; 0 turns the check off
 * @param failTimeout the window the failures are counted in, and how long the endpoint is then
 *     skipped; zero turns the check off
 */
public record PassiveHealth(int maxFails, Duration failTimeout) {

    public static final PassiveHealth DEFAULT = new PassiveHealth(1, Duration.ofSeconds(10));
    public static final PassiveHealth OFF = new PassiveHealth(0, Duration.ZERO);

    public PassiveHealth {
        requireNonNull(failTimeout, "failTimeout");
        if (maxFails < 0) {
            throw new IllegalArgumentException("maxFails: " + maxFails + " (expected: >= 0)");
        }
        if (failTimeout.isNegative()) {
            throw new IllegalArgumentException("failTimeout: " + failTimeout + " (expected: >= 0)");
        }
    }

    public boolean enabled() {
        return maxFails > 0 && !failTimeout.isZero();
    }
}
