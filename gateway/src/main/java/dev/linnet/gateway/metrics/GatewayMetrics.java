package dev.linnet.gateway.metrics;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.Variant;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The data plane's metrics: what the proxy hands over ({@link #record}), what a new table
 * changes ({@link #tablePublished}), and the exposition ({@link #scrape}).
 *
 * <pre>
 *   event loop, end of exchange:  record(timeline) ─▶ route's RouteMeters (cache hit) ─▶ MeterSet ─▶ the loop's cells
 *   control loop, after a swap:   tablePublished(table) ─▶ table gauges; drop series of deleted Ingresses
 *   admin loop, GET /metrics:     scrape(accept) ─▶ registry snapshot ─▶ text 0.0.4 | OpenMetrics
 * </pre>
 *
 * <p>Requests no route matched (the 404 default backend) and requests served by the default
 * server {@code _} for a host no Ingress names are counted, in bounded series with
 * {@code host=""} (plus, for the 404, every route label {@code ""}); ingress-nginx skips such
 * requests with its default {@code --metrics-per-undefined-host=false}, but then a flood of 404s
 * would be invisible. Requests answered before routing (400, 414, 431, an early 413) are not
 * counted, as in ingress-nginx, where they never reach a location.
 */
public final class GatewayMetrics implements AutoCloseable {

    /** Routes whose handles are kept; a larger table only means recomputing handles on a miss. */
    private static final int MAX_CACHED_ROUTES = 65_536;

    private final PrometheusMeterRegistry registry;
    private final MetricsOptions options;
    private final RequestFamilies families;
    private final ProcessMetrics process;
    private final RouteMeters unrouted;
    /** Which cell of every series the calling event loop writes (no atomics per request, issue 7). */
    private final WriterSlots writers;
    // Weak keys compare by identity: a lookup never hashes a Route record, and the handles of a
    // replaced table's routes go away with the table. The cache's upkeep runs on the calling
    // event loop (amortised): with Caffeine's default executor every few lookups woke a
    // ForkJoinPool thread, thousands of futex calls per second under load.
    private final Cache<Route, RouteMeters> routes = Caffeine.newBuilder()
            .weakKeys().maximumSize(MAX_CACHED_ROUTES).executor(Runnable::run).build();
    private final Function<Route, RouteMeters> newRouteMeters;
    /** Per dedicated writer, created by its owner on first use; no memo for the shared writer. */
    private final RouteMemo[] memos = new RouteMemo[WriterSlots.DEDICATED];
    /** Bumped by every {@link #tablePublished}, after the cache is invalidated: memos forget. */
    private volatile int generation;
    private volatile TableStats table = TableStats.EMPTY;
    private volatile Set<String> liveIngresses; // null until a table is announced
    private volatile LongSupplier upstreamOpen = () -> 0;
    private volatile LongSupplier upstreamIdle = () -> 0;
    private volatile LongSupplier ejectionsTotal = () -> 0;
    private volatile Supplier<Map<Endpoint, Duration>> ejectedNow = Map::of;
    private volatile LongSupplier accessLogDropped = () -> 0;

    private GatewayMetrics(PrometheusMeterRegistry registry, MetricsOptions options, WriterSlots writers) {
        this.registry = registry;
        this.writers = writers;
        this.options = options;
        PrometheusRegistry prometheus = registry.getPrometheusRegistry();
        Labels constLabels = Labels.of(MetricNames.CONTROLLER_NAMESPACE, options.controllerNamespace(),
                MetricNames.CONTROLLER_CLASS, options.controllerClass(),
                MetricNames.CONTROLLER_POD, options.controllerPod());
        this.families = new RequestFamilies(prometheus, options, constLabels);
        this.process = new ProcessMetrics(prometheus, registry, constLabels);
        this.unrouted = RouteMeters.unrouted(families, options);
        this.newRouteMeters = route -> {
            RouteMeters m = RouteMeters.of(families, options, route);
            Set<String> live = liveIngresses;
            m.retired = live != null && !live.contains(RequestFamilies.key(route.namespace(), route.ingress(), ""));
            return m;
        };
        Gauge.builder(MetricNames.TABLE_ROUTES, this, m -> m.table.routes())
                .description("Routes (Ingress paths, default backends included) in the published table")
                .register(registry);
        Gauge.builder(MetricNames.TABLE_HOSTS, this, m -> m.table.hosts())
                .description("Hosts in the published table (exact and wildcard)").register(registry);
        Gauge.builder(MetricNames.TABLE_BACKENDS, this, m -> m.table.backends())
                .description("Distinct backends (<ns>-<svc>-<port>), stable and canary").register(registry);
        Gauge.builder(MetricNames.TABLE_ENDPOINTS, this, m -> m.table.endpoints())
                .description("Ready endpoints over all distinct backends").register(registry);
        Gauge.builder(MetricNames.TABLE_VERSION, this, m -> m.table.version())
                .description("Version of the published table").register(registry);
        Gauge.builder(MetricNames.UPSTREAM_CONNECTIONS, this, m -> m.upstreamOpen.getAsLong())
                .tags(Tags.of(MetricNames.STATE, "open"))
                .description("Upstream connections: open (leased or idle) and idle in the pools").register(registry);
        Gauge.builder(MetricNames.UPSTREAM_CONNECTIONS, this, m -> m.upstreamIdle.getAsLong())
                .tags(Tags.of(MetricNames.STATE, "idle"))
                .description("Upstream connections: open (leased or idle) and idle in the pools").register(registry);
        FunctionCounter.builder(MetricNames.UPSTREAM_EJECTIONS, this, m -> m.ejectionsTotal.getAsLong())
                .description("Times an event loop's passive health check began skipping an endpoint"
                        + " (--upstream-max-fails failures within --upstream-fail-timeout)")
                .register(registry);
        FunctionCounter.builder(MetricNames.ACCESS_LOG_DROPPED, this, m -> m.accessLogDropped.getAsLong())
                .description("Access-log lines dropped: an event loop's ring of waiting lines was full (traffic never waits for the log)")
                .register(registry);
    }

    public static GatewayMetrics create(PrometheusMeterRegistry registry, MetricsOptions options) {
        return new GatewayMetrics(requireNonNull(registry, "registry"), requireNonNull(options, "options"),
                new WriterSlots());
    }

    /** Tests: only {@code dedicatedWriters} threads get their own cells, the others share one. */
    static GatewayMetrics create(MetricsOptions options, int dedicatedWriters) {
        return new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                requireNonNull(options, "options"), new WriterSlots(dedicatedWriters));
    }

    /** A fresh registry with ingress-nginx's defaults (tests, tools). */
    public static GatewayMetrics create(MetricsOptions options) {
        return create(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), options);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public MetricsOptions options() {
        return options;
    }

    // ---- the data plane's hooks (event loops) ----

    /** Records a finished exchange. Called once per request, on its event loop. */
    public void record(RequestTimeline t) {
        int writer = writers.current();
        process.requests.inc(writer, 1);
        int status = t.status() >= 100 && t.status() <= 599 ? t.status() : 499; // cut before any answer
        Route route = t.route();
        if (route == null) {
            unrouted.set(0, t.method(), status).record(t, writer);
            return;
        }
        RouteMeters meters = meters(route, writer);
        if (meters.retired) {
            return; // finished on a table that no longer has its Ingress: its series were removed
        }
        Decision decision = t.decision();
        int side = meters.side(decision.variant(), t.canaryIndex());
        meters.set(side, t.method(), status).record(t, writer);
        meters.countDecision(decision, writer);
        if (t.attempts() > 0) {
            meters.countUpstream(side, t.connectFailures(), t.attempts() - 1, writer);
        }
    }

    private RouteMeters meters(Route route, int writer) {
        if (writer == WriterSlots.SHARED) {
            return routes.get(route, newRouteMeters);
        }
        RouteMemo memo = memos[writer]; // only this thread reads or writes its element
        if (memo == null) {
            memo = memos[writer] = new RouteMemo();
        }
        int gen = generation;
        RouteMeters m = memo.get(route, gen);
        if (m == null) {
            m = routes.get(route, newRouteMeters);
            memo.put(route, m);
        }
        return m;
    }

    public void connectionOpened() {
        process.open.inc(writers.current(), 1);
    }

    public void connectionClosed() {
        process.open.inc(writers.current(), -1);
    }

    /** A request head arrived ({@code writing} until {@link #requestEnded()}). */
    public void requestStarted() {
        process.inFlight.inc(writers.current(), 1);
    }

    public void requestEnded() {
        process.inFlight.inc(writers.current(), -1);
    }

    /** Where {@code linnet_upstream_connections} reads its numbers (the gateway's pool). */
    public void upstreamPool(LongSupplier open, LongSupplier idle) {
        this.upstreamOpen = requireNonNull(open, "open");
        this.upstreamIdle = requireNonNull(idle, "idle");
    }

    /**
     * Where {@code linnet_upstream_endpoint_ejections_total} and {@code /debug/routes} read what the
     * passive health check decided: how often, and which endpoints are skipped now (for how long at most).
     */
    public void upstreamEjections(LongSupplier total, Supplier<Map<Endpoint, Duration>> now) {
        this.ejectionsTotal = requireNonNull(total, "total");
        this.ejectedNow = requireNonNull(now, "now");
    }

    /** Where {@code linnet_access_log_dropped_total} reads its count (the gateway's access log). */
    public void accessLogDropped(LongSupplier dropped) {
        this.accessLogDropped = requireNonNull(dropped, "dropped");
    }

    /** The endpoints the passive health check skips now (see {@link #upstreamEjections}). */
    public Map<Endpoint, Duration> ejectedEndpoints() {
        return ejectedNow.get();
    }

    // ---- the control plane's hook ----

    /**
     * A table was published: refresh the table gauges and remove the series of Ingresses,
     * canaries and backends it no longer has (ingress-nginx removes by namespace and ingress,
     * canary-spec.md §5). Call from one thread (the control loop).
     */
    public void tablePublished(RouteTable next) {
        requireNonNull(next, "next");
        Set<String> liveRoutes = new HashSet<>();
        Set<String> liveIngresses = new HashSet<>();
        Set<String> liveBackends = new HashSet<>();
        Map<Backend, Boolean> backends = new IdentityHashMap<>();
        int routeCount = 0;
        for (VirtualHost vh : hosts(next)) {
            for (Route r : vh.routes()) {
                routeCount++;
                live(r, liveRoutes, liveIngresses, liveBackends, backends);
            }
            if (vh.fallback() != null) {
                routeCount++;
                live(vh.fallback(), liveRoutes, liveIngresses, liveBackends, backends);
            }
        }
        Map<String, Integer> endpointsByName = new java.util.HashMap<>();
        for (Backend b : backends.keySet()) {
            endpointsByName.put(b.name(), b.endpoints().size());
        }
        table = new TableStats(routeCount, next.exactHosts().size() + next.wildcardHosts().size(),
                endpointsByName.size(), endpointsByName.values().stream().mapToInt(Integer::intValue).sum(),
                next.version());
        // Order matters for requests still running on the previous table: first stop handles of
        // deleted Ingresses from recording (and from being created again), then drop their series.
        this.liveIngresses = Set.copyOf(liveIngresses);
        routes.asMap().forEach((route, meters) -> {
            if (!liveIngresses.contains(RequestFamilies.key(route.namespace(), route.ingress(), ""))) {
                meters.retired = true;
            }
        });
        routes.invalidateAll(); // a route object may be reused by a later table: resolve afresh
        generation++; // the control loop is the only writer; the memos forget on their next lookup
        families.retain(liveRoutes, liveIngresses, liveBackends);
    }

    private static void live(Route r, Set<String> routes, Set<String> ingresses, Set<String> backendNames,
            Map<Backend, Boolean> backends) {
        routes.add(RequestFamilies.key(r.namespace(), r.ingress(), ""));
        ingresses.add(RequestFamilies.key(r.namespace(), r.ingress(), ""));
        backendNames.add(r.backend().name());
        backends.put(r.backend(), Boolean.TRUE);
        for (int i = 0; i < r.canaryCount(); i++) {
            Backend canary = r.canary(i).backend();
            routes.add(RequestFamilies.key(r.namespace(), r.ingress(), canary.name()));
            backendNames.add(canary.name());
            backends.put(canary, Boolean.TRUE);
        }
    }

    private static Iterable<VirtualHost> hosts(RouteTable t) {
        java.util.List<VirtualHost> all = new java.util.ArrayList<>(t.exactHosts().values());
        all.addAll(t.wildcardHosts().values());
        all.add(t.defaultServer());
        return all;
    }

    /** Counts of the published table, for the routing-table gauges and the integrator's checks. */
    public record TableStats(int routes, int hosts, int backends, int endpoints, long version) {
        static final TableStats EMPTY = new TableStats(0, 0, 0, 0, 0);
    }

    public TableStats tableStats() {
        return table;
    }

    // ---- exposition (admin loop) ----

    /** The exposition for a scraper's Accept header (null: Prometheus text 0.0.4). */
    public Exposition.Body scrape(String accept) {
        return Exposition.render(registry.getPrometheusRegistry(), accept);
    }

    @Override
    public void close() {
        process.close();
        registry.close();
    }
}
