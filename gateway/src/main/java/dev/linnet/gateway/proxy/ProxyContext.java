package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.upstream.UpstreamPool;

/** What every client connection of one listener shares; grouped so handlers take one argument. */
record ProxyContext(ConfigHolder configs, RouteTableHolder routes, UpstreamPool pool, GatewayMetrics metrics) {

    ProxyContext {
        requireNonNull(configs, "configs");
        requireNonNull(routes, "routes");
        requireNonNull(pool, "pool");
        requireNonNull(metrics, "metrics");
    }

    /** Fixed settings (tests). */
    ProxyContext(GatewayConfig config, RouteTableHolder routes, UpstreamPool pool, GatewayMetrics metrics) {
        this(new ConfigHolder(config), routes, pool, metrics);
    }

    /** The settings in force now (the controller ConfigMap may change them between two reads). */
    GatewayConfig config() {
        return configs.current();
    }
}
