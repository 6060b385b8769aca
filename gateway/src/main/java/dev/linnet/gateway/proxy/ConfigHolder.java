package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

/**
 * The gateway settings in force, swapped whole when the controller ConfigMap changes
 * ({@code --configmap}). Request handling reads {@link #current()} where it needs a setting, so
 * a change applies to the next request; settings read when a connection is set up (PROXY
 * protocol, header limits, TLS protocols) apply to new connections. The listener addresses,
 * ports and event-loop count are read once at start and never change.
 */
public final class ConfigHolder {

    private volatile GatewayConfig current;

    public ConfigHolder(GatewayConfig initial) {
        this.current = requireNonNull(initial, "initial");
    }

    public GatewayConfig current() {
        return current;
    }

    /** From now on {@code next} is in force; returns the previous settings. */
    public GatewayConfig set(GatewayConfig next) {
        GatewayConfig previous = current;
        current = requireNonNull(next, "next");
        return previous;
    }
}
