package dev.linnet.controller.cli;

import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.ConfigHolder;
import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.build.IncrementalBuilder;
import dev.linnet.controller.loop.ControlLoop;
import dev.linnet.controller.metrics.ControllerMetrics;
import dev.linnet.controller.source.ClusterSource;
import dev.linnet.controller.status.StatusController;
import dev.linnet.gateway.admin.AdminServer;
import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.proxy.GatewayServer;
import dev.linnet.gateway.route.RouteTableHolder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode, wired: the in-cluster counterpart of {@link StandaloneServer}.
 *
 * <pre>
 *   API server ─watch─▶ ClusterSource ─signal─▶ ControlLoop ─swap─▶ RouteTableHolder ◀─ GatewayServer, AdminServer
 *                                                  │ each BuildResult (enqueue only)
 *                                                  ▼
 *                                     StatusController (own thread; leader only):
 *                                     Ingress status, warning Events  ─▶ API server
 * </pre>
 *
 * Every replica builds and serves; leadership only decides who writes to the API server.
 */
public final class ClusterServer implements Drainable {

    private static final Logger logger = LoggerFactory.getLogger(ClusterServer.class);

    private final RouteTableHolder routes;
    private final GatewayServer gateway;
    private final AdminServer admin;
    private final ClusterSource source;
    private final StatusController status;
    private final Closer closeables;

    private ClusterServer(RouteTableHolder routes, GatewayServer gateway, AdminServer admin, ClusterSource source,
                          StatusController status, Closer closeables) {
        this.routes = routes;
        this.gateway = gateway;
        this.admin = admin;
        this.source = source;
        this.status = status;
        this.closeables = closeables;
    }

    /** Connects to the API server named by {@code config.kubeconfig()} (or fabric8's defaults) and starts. */
    public static ClusterServer start(ClusterConfig config) throws InterruptedException {
        KubernetesClient client = connect(config);
        try {
            ClusterServer server = start(config, client);
            server.closeables.addLast(client); // closed last, after everything that uses it
            return server;
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Starts against {@code client}, which the caller keeps owning (tests). */
    public static ClusterServer start(ClusterConfig config, KubernetesClient client) throws InterruptedException {
        requireNonNull(config, "config");
        requireNonNull(client, "client");
        Closer started = new Closer();
        try {
            RouteTableHolder routes = new RouteTableHolder();
            GatewayMetrics metrics = GatewayMetrics.create(config.metrics());
            started.push(metrics);
            ControllerMetrics controllerMetrics = ControllerMetrics.create(metrics, StandaloneServer.release());
            // The controller ConfigMap's keys apply on top of exactly the settings this server starts with.
            BuildOptions options = config.buildOptions().withConfigMap(new ConfigMapOptions(
                    config.buildOptions().configMap().ref(), config.gateway(),
                    config.buildOptions().configMap().explicitFlags()));
            ConfigHolder configs = new ConfigHolder(config.gateway());
            ClusterSource source = ClusterSource.create(client, config.watchNamespaces(), options);
            StatusController status = StatusController.start(client, config.statusOptions(), options, source::current);
            started.push(status);
            status.onLeadershipChange(leading ->
                    controllerMetrics.leaderElection(config.statusOptions().electionId(), leading));
            IncrementalBuilder builder = IncrementalBuilder.of(options);
            ControlLoop loop = ControlLoop.start(source, state -> {
                BuildResult result = builder.apply(state);
                status.offer(state, result); // enqueue only: the API server never slows the loop
                return result;
            }, routes).metrics(controllerMetrics)
                    .configs(configs);
            started.push(loop);
            started.push(source);
            source.start(loop::signal);
            GatewayServer gateway = GatewayServer.start(configs, routes, metrics, AccessLog.stdout());
            started.push(gateway);
            AdminServer admin = AdminServer.start(config.gateway().bindAddress(), config.adminPort(), routes, metrics);
            started.push(admin);
            logger.info("Linnet serving HTTP on {}:{}, admin on {}:{}, Ingresses of class {} from {}",
                    config.gateway().bindAddress(), gateway.httpPort(), config.gateway().bindAddress(), admin.port(),
                    options.ingressClass() == null ? "(any)" : options.ingressClass(), client.getMasterUrl());
            return new ClusterServer(routes, gateway, admin, source, status, started);
        } catch (InterruptedException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    private static KubernetesClient connect(ClusterConfig config) {
        if (config.kubeconfig() == null) {
            return new KubernetesClientBuilder().build();
        }
        try {
            String yaml = Files.readString(config.kubeconfig(), StandardCharsets.UTF_8);
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
        } catch (IOException e) {
            throw new UncheckedIOException("--kubeconfig " + config.kubeconfig() + ": cannot read", e);
        }
    }

    public int httpPort() {
        return gateway.httpPort();
    }

    /** The bound HTTPS port, or -1 without an HTTPS listener. */
    public int httpsPort() {
        return gateway.httpsPort();
    }

    public int adminPort() {
        return admin.port();
    }

    public RouteTableHolder routes() {
        return routes;
    }

    public ClusterSource source() {
        return source;
    }

    public StatusController status() {
        return status;
    }

    /** {@link GracefulShutdown}: the listeners drain while the control plane keeps running; then {@link #close()}. */
    @Override
    public void shutdownGracefully(java.time.Duration delay, java.time.Duration grace) throws InterruptedException {
        GracefulShutdown.drainThenClose(admin, gateway, delay, grace, this::close);
    }

    /** Stops the listeners, the source and loop, then status (clearing it if asked). Idempotent. */
    @Override
    public void close() {
        closeables.close();
    }
}
