package dev.linnet.gateway.proxy;

import dev.linnet.gateway.metrics.GatewayMetrics;
import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.upstream.UpstreamPool;

/** What every client connection of one listener shares; grouped so handlers take one argument. */
record ProxyContext(GatewayConfig config, RouteTableHolder routes, UpstreamPool pool, GatewayMetrics metrics) {

    ProxyContext {
        requireNonNull(config, "config");
        requireNonNull(routes, "routes");
        requireNonNull(pool, "pool");
        requireNonNull(metrics, "metrics");
    }
}
