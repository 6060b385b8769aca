package dev.linnet.gateway.metrics;

import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.Reason;
import dev.linnet.gateway.split.Variant;
import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meter handles of one {@link Route}: label strings computed once, series resolved on first
 * use and then kept, per (variant, method, status). The request path indexes two arrays; it
 * builds no key, map or string.
 *
 * <p>Labels (canary-spec.md §5): {@code path}, {@code namespace}, {@code ingress} and
 * {@code service} always describe the main route; {@code canary} is the canary backend's
 * {@code <ns>-<svc>-<port>} when the canary served (with {@code linnet.dev/multi-canary}, the one
 * that served), else {@code ""}; {@code host} is the Ingress
 * rule's host ({@code ""} for the default server {@code _}), never the Host header.
 */
final class RouteMeters {

    /** Methods get their own label value; anything else is {@code OTHER} (bounded cardinality). */
    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
        HttpMethod.DELETE, HttpMethod.CONNECT, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PATCH};
    static final String OTHER_METHOD = "OTHER";
    private static final int STATUSES = 500; // 100 … 599
    private static final Reason[] REASONS = Reason.values();

    private final RequestFamilies families;
    private final boolean statusClasses;
    private final String path;
    private final String namespace;
    private final String ingress;
    private final String service;
    private final String host;
    private final String[] canaries; // the canary backend names, oldest first, or null
    private final String splitHost;
    private final String stableBackend;
    // Per side: 0 the stable backend, 1 + i the route's canary i.
    private final AtomicReferenceArray<AtomicReferenceArray<MeterSet>> sets;
    private final AtomicReferenceArray<Series> split =
            new AtomicReferenceArray<>(Variant.values().length * REASONS.length);
    private final AtomicReferenceArray<Series> upstream;
    /** Set when the route's Ingress left the table: its series are gone and must not come back. */
    volatile boolean retired;

    private RouteMeters(RequestFamilies families, MetricsOptions options, String path, String namespace,
            String ingress, String service, String host, String[] canaries, String stableBackend) {
        this.families = families;
        this.statusClasses = options.reportStatusClasses();
        this.path = path;
        this.namespace = namespace;
        this.ingress = ingress;
        this.service = service;
        this.host = host;
        this.splitHost = host;
        this.canaries = canaries;
        this.stableBackend = stableBackend;
        int sides = 1 + (canaries == null ? 0 : canaries.length);
        this.sets = new AtomicReferenceArray<>(sides * (METHODS.length + 1));
        this.upstream = new AtomicReferenceArray<>(sides * 2);
    }

    static RouteMeters of(RequestFamilies families, MetricsOptions options, Route route) {
        String host = VirtualHost.DEFAULT_SERVER.equals(route.host()) ? "" : route.host();
        return new RouteMeters(families, options, route.match().path(), route.namespace(), route.ingress(),
                route.backend().service(), host, canaryNames(route), route.backend().name());
    }

    private static String[] canaryNames(Route route) {
        if (route.canaryCount() == 0) {
            return null;
        }
        String[] names = new String[route.canaryCount()];
        for (int i = 0; i < names.length; i++) {
            names[i] = route.canary(i).backend().name();
        }
        return names;
    }

    /** The side that served: 0 the stable backend, 1 + {@code canaryIndex} a canary. */
    int side(Variant variant, int canaryIndex) {
        return variant == Variant.CANARY && canaries != null && canaryIndex < canaries.length ? 1 + canaryIndex : 0;
    }

    /** The one bounded set of series for requests no route matched (the default backend's 404). */
    static RouteMeters unrouted(RequestFamilies families, MetricsOptions options) {
        return new RouteMeters(families, options, "", "", "", "", "", null, null);
    }

    MeterSet set(int v, HttpMethod method, int status) {
        int m = methodIndex(method);
        int slot = v * (METHODS.length + 1) + m;
        AtomicReferenceArray<MeterSet> byStatus = sets.get(slot);
        if (byStatus == null) {
            sets.compareAndSet(slot, null, new AtomicReferenceArray<>(STATUSES));
            byStatus = sets.get(slot);
        }
        int s = statusIndex(status);
        MeterSet set = byStatus.get(s);
        if (set == null) { // first time for this label set: the only slow path
            set = new MeterSet(families, labels(v, m, status), new String[] {ingress, namespace, service,
                v > 0 ? canaries[v - 1] : ""});
            byStatus.lazySet(s, set); // a racing duplicate resolves to the same series: harmless
        }
        return set;
    }

    /** {@code writer}: the calling thread's {@link WriterSlots} index. */
    void countDecision(Decision decision, int writer) {
        int slot = decision.variant().ordinal() * REASONS.length + decision.reason().ordinal();
        Series c = split.get(slot);
        if (c == null) {
            c = families.splitDecisions.labelValues(namespace, ingress, splitHost, path,
                    decision.variant().label(), decision.reason().label());
            split.lazySet(slot, c);
        }
        c.inc(writer, 1);
    }

    void countUpstream(int v, int connectFailures, int retries, int writer) {
        String backend = v > 0 ? canaries[v - 1] : stableBackend;
        if (backend == null) {
            return;
        }
        if (connectFailures > 0) {
            handle(v * 2, families.connectFailures, backend).inc(writer, connectFailures);
        }
        if (retries > 0) {
            handle(v * 2 + 1, families.retries, backend).inc(writer, retries);
        }
    }

    private Series handle(int slot, SeriesFamily counter, String backend) {
        Series c = upstream.get(slot);
        if (c == null) {
            c = counter.labelValues(backend);
            upstream.lazySet(slot, c);
        }
        return c;
    }

    private String[] labels(int variant, int method, int status) {
        String statusLabel = statusClasses ? (status / 100) + "xx" : Integer.toString(status);
        String methodLabel = method < METHODS.length ? METHODS[method].name() : OTHER_METHOD;
        String canaryLabel = variant > 0 ? canaries[variant - 1] : "";
        String[] names = families.requestLabels;
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = switch (names[i]) {
                case MetricNames.STATUS -> statusLabel;
                case MetricNames.METHOD -> methodLabel;
                case MetricNames.PATH -> path;
                case MetricNames.NAMESPACE -> namespace;
                case MetricNames.INGRESS -> ingress;
                case MetricNames.SERVICE -> service;
                case MetricNames.CANARY -> canaryLabel;
                case MetricNames.HOST -> host;
                default -> throw new IllegalStateException(names[i]);
            };
        }
        return values;
    }

    private int statusIndex(int status) {
        return statusClasses ? status / 100 : status - 100;
    }

    private static int methodIndex(HttpMethod method) {
        for (int i = 0; i < METHODS.length; i++) {
            if (METHODS[i] == method) { // HttpMethod.valueOf hands out these constants
                return i;
            }
        }
        for (int i = 0; i < METHODS.length; i++) {
            if (METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length;
    }
}
