package dev.linnet.controller.metrics;

import static dev.linnet.gateway.metrics.MetricNames.*;
import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.loop.LoopMetrics;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricNames;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.tls.CertificateTable;
import dev.linnet.gateway.tls.TlsCertificate;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's metrics under ingress-nginx's names, where the meaning carries over: a
 * "reload" is a table build and publish (Linnet never reloads a process), so
 * {@code config_last_reload_successful} says whether the last build succeeded and
 * {@code success} / {@code errors} count builds. Also tells the data plane's metrics of each
 * published table, which refreshes the table gauges and drops deleted Ingresses' series.
 */
public final class ControllerMetrics implements LoopMetrics {

    /** ingress-nginx's default {@code --election-id}; the label of {@code leader_election_status}. */
    public static final String DEFAULT_ELECTION_ID = "ingress-controller-leader";

    private final GatewayMetrics gateway;
    private final Gauge configHash;
    private final Gauge lastSuccessful;
    private final Gauge lastSuccessTimestamp;
    private final Counter success;
    private final Counter errors;
    private final Gauge orphans;
    private final Gauge leader;
    private final Gauge sslExpire;
    private final Timer buildTime;
    private final Timer changeToTraffic;

    private ControllerMetrics(GatewayMetrics gateway, String release) {
        this.gateway = gateway;
        MetricsOptions o = gateway.options();
        PrometheusRegistry registry = gateway.registry().getPrometheusRegistry();
        Labels constLabels = Labels.of(CONTROLLER_NAMESPACE, o.controllerNamespace(),
                CONTROLLER_CLASS, o.controllerClass(), CONTROLLER_POD, o.controllerPod());
        configHash = Gauge.builder().withoutExemplars().name(CONFIG_HASH).help("Running configuration hash actually running")
                .constLabels(constLabels).register(registry);
        lastSuccessful = Gauge.builder().withoutExemplars().name(CONFIG_LAST_RELOAD_SUCCESSFUL)
                .help("Whether the last configuration reload attempt was successful (Linnet: table build)")
                .constLabels(constLabels).register(registry);
        lastSuccessTimestamp = Gauge.builder().withoutExemplars().name(CONFIG_LAST_RELOAD_SUCCESSFUL_TIMESTAMP)
                .help("Timestamp of the last successful configuration reload (Linnet: table publish)")
                .constLabels(constLabels).register(registry);
        success = Counter.builder().withoutExemplars().name(SUCCESS)
                .help("Cumulative number of Ingress controller reload operations (Linnet: table builds)")
                .constLabels(constLabels).register(registry);
        errors = Counter.builder().withoutExemplars().name(ERRORS)
                .help("Cumulative number of Ingress controller errors during reload operations (Linnet: failed builds)")
                .constLabels(constLabels).register(registry);
        orphans = Gauge.builder().withoutExemplars().name(ORPHAN_INGRESS)
                .help("Gauge reporting status of orphaned ingress rules (type no-endpoint: a backend without ready endpoints)")
                .labelNames(NAMESPACE, INGRESS, "type").constLabels(constLabels).register(registry);
        leader = Gauge.builder().withoutExemplars().name(LEADER_ELECTION_STATUS)
                .help("Gauge reporting status of the leader election, 0 indicates follower, 1 indicates leader")
                .labelNames("name").constLabels(constLabels).register(registry);
        leader.labelValues(DEFAULT_ELECTION_ID).set(0);
        sslExpire = Gauge.builder().withoutExemplars().name(SSL_EXPIRE_TIME)
                .help("Number of seconds since 1970 to the SSL Certificate expire. An example to check if this "
                        + "certificate will expire in 10 days is: \"nginx_ingress_controller_ssl_expire_time_seconds"
                        + " < (time() + (10 * 24 * 3600))\"")
                .labelNames("host", "secret_name").constLabels(constLabels).register(registry);
        Gauge.builder().withoutExemplars().name(BUILD_INFO).help("A metric with a constant '1' labeled with information about the build.")
                .labelNames("release", "build", "repository").constLabels(constLabels).register(registry)
                .labelValues(release, "", "https://github.com/linnet-dev/linnet").set(1);
        success.initLabelValues();
        errors.initLabelValues();
        buildTime = Timer.builder(MetricNames.TABLE_BUILD_SECONDS.replace("_seconds", ""))
                .description("Time to build a routing table from the cluster objects")
                .register(gateway.registry());
        changeToTraffic = Timer.builder(MetricNames.TABLE_PUBLISH_TO_TRAFFIC_SECONDS.replace("_seconds", ""))
                .description("Time from the first change signal of a burst to its routing table serving new requests")
                .register(gateway.registry());
    }

    @Override
    public void changeToTraffic(long nanos) {
        changeToTraffic.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** @param release the version {@code build_info} reports */
    public static ControllerMetrics create(GatewayMetrics gateway, String release) {
        return new ControllerMetrics(requireNonNull(gateway, "gateway"), requireNonNull(release, "release"));
    }

    /** The leader election hook: the cluster mode calls it when leadership changes. */
    public void leaderElection(String electionId, boolean leading) {
        leader.labelValues(electionId).set(leading ? 1 : 0);
    }

    @Override
    public void published(BuildResult result, RouteTable table, long buildNanos) {
        buildTime.record(buildNanos, TimeUnit.NANOSECONDS);
        success.inc();
        lastSuccessful.set(1);
        lastSuccessTimestamp.set(System.currentTimeMillis() / 1000);
        configHash.set(hash(table));
        orphans.clear();
        for (Route r : routes(table)) {
            if (!r.backend().hasEndpoints()) {
                orphans.labelValues(r.namespace(), r.ingress(), "no-endpoint").set(1);
            }
        }
        sslExpire.clear();
        CertificateTable certificates = table.certificates();
        certificates.exact().forEach((host, c) -> sslExpire.labelValues(host, secretName(c))
                .set(c.notAfter().getEpochSecond()));
        certificates.wildcard().forEach((suffix, c) -> sslExpire.labelValues("*." + suffix, secretName(c))
                .set(c.notAfter().getEpochSecond()));
        gateway.tablePublished(table);
    }

    /** ingress-nginx's {@code secret_name} is the Secret's name, without its namespace. */
    private static String secretName(TlsCertificate c) {
        return c.name().substring(c.name().indexOf('/') + 1);
    }

    @Override
    public void buildFailed(Throwable cause, long buildNanos) {
        buildTime.record(buildNanos, TimeUnit.NANOSECONDS);
        errors.inc();
        lastSuccessful.set(0);
    }

    /** Content hash, version excluded: equal tables give equal hashes, as equal nginx.conf files do. */
    static double hash(RouteTable t) {
        return Objects.hash(t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.certificates()) & 0xffffffffL;
    }

    private static List<Route> routes(RouteTable t) {
        List<Route> all = new ArrayList<>();
        List<VirtualHost> hosts = new ArrayList<>(t.exactHosts().values());
        hosts.addAll(t.wildcardHosts().values());
        hosts.add(t.defaultServer());
        for (VirtualHost vh : hosts) {
            all.addAll(vh.routes());
            if (vh.fallback() != null) {
                all.add(vh.fallback());
            }
        }
        return all;
    }
}
