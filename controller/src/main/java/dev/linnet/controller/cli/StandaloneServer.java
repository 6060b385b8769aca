package dev.linnet.controller.cli;

import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.ConfigHolder;
import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.IncrementalBuilder;
import dev.linnet.controller.loop.ControlLoop;
import dev.linnet.controller.metrics.ControllerMetrics;
import dev.linnet.controller.source.FileSource;
import dev.linnet.gateway.admin.AdminServer;
import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.proxy.GatewayServer;
import dev.linnet.gateway.route.RouteTableHolder;
import java.util.List;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode, wired: the one place that connects the pieces.
 *
 * <pre>
 *   FileSource ──signal──▶ ControlLoop ──swap──▶ RouteTableHolder ◀──read── GatewayServer (:8080)
 *   (polls files)          (builds tables)                         ◀──read── AdminServer  (:10254)
 *                              │ published / failed                        ▲ /metrics
 *                              ▼                                            │
 *                          ControllerMetrics ──tablePublished──▶ GatewayMetrics ◀──record── GatewayServer
 * </pre>
 *
 * The listeners start after the first load so that readiness (/readyz) is honest from the first
 * probe; until the first table is published the gateway answers from the empty table (404).
 * {@link #close()} stops them in the reverse order.
 */
public final class StandaloneServer implements Drainable {

    private static final Logger logger = LoggerFactory.getLogger(StandaloneServer.class);

    private final RouteTableHolder routes;
    private final List<Path> manifests;
    private final GatewayServer gateway;
    private final AdminServer admin;
    private final Closer closeables;
    private final GatewayMetrics metrics;
    private final ControllerMetrics controllerMetrics;

    private StandaloneServer(RouteTableHolder routes, List<Path> manifests, GatewayServer gateway, AdminServer admin,
                             Closer closeables, GatewayMetrics metrics, ControllerMetrics controllerMetrics) {
        this.metrics = metrics;
        this.controllerMetrics = controllerMetrics;
        this.routes = routes;
        this.manifests = manifests;
        this.gateway = gateway;
        this.admin = admin;
        this.closeables = closeables;
    }

    /**
     * Reads the manifests, starts the control loop and both listeners.
     *
     * @throws IllegalArgumentException when a manifest path does not exist
     * @throws IllegalStateException when a listener cannot bind its port
     */
    public static StandaloneServer start(StandaloneConfig config) throws InterruptedException {
        requireNonNull(config, "config");
        Closer started = new Closer();
        try {
            RouteTableHolder routes = new RouteTableHolder();
            GatewayMetrics metrics = GatewayMetrics.create(config.metrics());
            started.push(metrics);
            ControllerMetrics controllerMetrics = ControllerMetrics.create(metrics, release());
            FileSource source = FileSource.of(config.manifests());
            // The controller ConfigMap's keys apply on top of exactly the settings this server starts with.
            BuildOptions options = config.buildOptions().withConfigMap(new ConfigMapOptions(
                    config.buildOptions().configMap().ref(), config.gateway(),
                    config.buildOptions().configMap().explicitFlags()));
            ConfigHolder configs = new ConfigHolder(config.gateway());
            ControlLoop loop = ControlLoop.start(source, IncrementalBuilder.of(options), routes)
                    .metrics(controllerMetrics)
                    .configs(configs);
            started.push(loop);
            started.push(source);
            source.start(loop::signal);
            GatewayServer gateway = GatewayServer.start(configs, routes, metrics, AccessLog.stdout());
            started.push(gateway);
            AdminServer admin = AdminServer.start(config.gateway().bindAddress(), config.adminPort(), routes, metrics);
            started.push(admin);
            StandaloneServer server = new StandaloneServer(routes, source.paths(), gateway, admin, started, metrics,
                    controllerMetrics);
            logger.info("Linnet serving HTTP on {}:{}, admin on {}:{}, manifests {}", config.gateway().bindAddress(),
                    gateway.httpPort(), config.gateway().bindAddress(), admin.port(), source.paths());
            return server;
        } catch (InterruptedException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /** The registry behind /metrics (tests and diagnostics). */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The controller's metrics; the cluster mode reports leader election through it. */
    public ControllerMetrics controllerMetrics() {
        return controllerMetrics;
    }

    /** The Linnet version for build_info, or "unknown". */
    static String release() {
        try {
            return new VersionProvider().getVersion()[0].replace("linnet ", "");
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The bound HTTP port (the real one when 0 was asked for). */
    public int httpPort() {
        return gateway.httpPort();
    }

    /** The bound HTTPS port, or -1 without an HTTPS listener. */
    public int httpsPort() {
        return gateway.httpsPort();
    }

    /** The bound admin port. */
    public int adminPort() {
        return admin.port();
    }

    /** The manifest paths read, absolute. */
    public List<Path> manifests() {
        return manifests;
    }

    /** The table the gateway serves (tests and diagnostics). */
    public RouteTableHolder routes() {
        return routes;
    }

    /** {@link GracefulShutdown}: the listeners drain while the control plane keeps running; then {@link #close()}. */
    @Override
    public void shutdownGracefully(java.time.Duration delay, java.time.Duration grace) throws InterruptedException {
        GracefulShutdown.drainThenClose(admin, gateway, delay, grace, this::close);
    }

    /** Stops the listeners, then the source and the loop. Idempotent. */
    @Override
    public void close() {
        closeables.close();
    }
}
