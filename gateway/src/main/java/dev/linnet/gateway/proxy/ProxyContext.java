package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.upstream.UpstreamPool;

/** What every client connection of one listener shares; grouped so handlers take one argument. */
record ProxyContext(ConfigHolder configs, RouteTableHolder routes, UpstreamPool pool, GatewayMetrics metrics,
        AccessLog accessLog, BodySpool spool) {

    ProxyContext {
        requireNonNull(spool, "spool");
        requireNonNull(accessLog, "accessLog");
        requireNonNull(configs, "configs");
        requireNonNull(routes, "routes");
        requireNonNull(pool, "pool");
        requireNonNull(metrics, "metrics");
    }

    /** Without an access log (tests). */
    ProxyContext(ConfigHolder configs, RouteTableHolder routes, UpstreamPool pool, GatewayMetrics metrics) {
        this(configs, routes, pool, metrics, AccessLog.OFF, BodySpool.open(configs.current().clientBody()));
    }

    /** Fixed settings, no access log (tests). */
    ProxyContext(GatewayConfig config, RouteTableHolder routes, UpstreamPool pool, GatewayMetrics metrics) {
        this(new ConfigHolder(config), routes, pool, metrics);
    }

    /** The settings in force now (the controller ConfigMap may change them between two reads). */
    GatewayConfig config() {
        return configs.current();
    }
}
