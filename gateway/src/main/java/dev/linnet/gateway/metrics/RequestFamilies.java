package dev.linnet.gateway.metrics;

import static dev.linnet.gateway.metrics.MetricNames.*;

import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ingress-nginx request families and {@code linnet_split_decisions}, registered straight in
 * the Prometheus registry underneath Micrometer: that is how their names, label order and
 * buckets stay exactly ingress-nginx's (Micrometer would add {@code _max} families, sort labels
 * and rename). A family excluded by {@code --exclude-socket-metrics} is {@code null}.
 *
 * <p>Counters and histograms are {@link SeriesFamily}s (per-event-loop cells, issue 7); the
 * legacy Summary, off by default, stays the library's.
 */
final class RequestFamilies {

    final String[] requestLabels;
    final SeriesFamily requests;
    final SeriesFamily requestDuration;
    final SeriesFamily responseDuration;
    final SeriesFamily headerDuration;
    final SeriesFamily connectDuration;
    final SeriesFamily requestSize;
    final SeriesFamily responseSize;
    final SeriesFamily bytesSent;
    final Summary legacyLatency;
    final SeriesFamily splitDecisions;
    final SeriesFamily connectFailures;
    final SeriesFamily retries;

    RequestFamilies(PrometheusRegistry registry, MetricsOptions o, Labels constLabels) {
        List<String> names = new ArrayList<>(REQUEST_LABELS);
        if (!o.perHost()) {
            names.remove(HOST); // ingress-nginx drops the label, not just its value
        }
        requestLabels = names.toArray(String[]::new);
        double[] time = MetricsOptions.toArray(o.timeBuckets());
        double[] length = MetricsOptions.toArray(o.lengthBuckets());
        double[] size = MetricsOptions.toArray(o.sizeBuckets());
        requests = !o.exports(REQUESTS) ? null : SeriesFamily.counter(registry, REQUESTS,
                "The total number of client requests", requestLabels, constLabels);
        // ingress-nginx's help text says "milliseconds"; the values are seconds (canary-spec.md §5).
        requestDuration = histogram(registry, o, REQUEST_DURATION,
                "The request processing time in seconds", time, constLabels);
        responseDuration = histogram(registry, o, RESPONSE_DURATION,
                "The time spent on receiving the response from the upstream server", time, constLabels);
        headerDuration = histogram(registry, o, HEADER_DURATION,
                "The time spent on receiving first header from the upstream server", time, constLabels);
        connectDuration = histogram(registry, o, CONNECT_DURATION,
                "The time spent on establishing a connection with the upstream server", time, constLabels);
        requestSize = histogram(registry, o, REQUEST_SIZE, "The request length (including headers, etc.)",
                length, constLabels);
        responseSize = histogram(registry, o, RESPONSE_SIZE, "The response length (including headers, etc.)",
                length, constLabels);
        bytesSent = histogram(registry, o, BYTES_SENT,
                "DEPRECATED The number of bytes sent to a client", size, constLabels);
        if (o.legacyLatency()) {
            Summary.Builder b = Summary.builder().withoutExemplars().name(LEGACY_UPSTREAM_LATENCY)
                    .help("DEPRECATED Upstream service latency per Ingress")
                    .labelNames(LEGACY_LABELS.toArray(String[]::new)).constLabels(constLabels);
            for (double[] q : LEGACY_QUANTILES) {
                b.quantile(q[0], q[1]);
            }
            legacyLatency = b.register(registry);
        } else {
            legacyLatency = null;
        }
        splitDecisions = SeriesFamily.counter(registry, SPLIT_DECISIONS,
                "Canary split decisions per Ingress path: which variant served and why",
                SPLIT_LABELS.toArray(String[]::new), Labels.EMPTY);
        connectFailures = SeriesFamily.counter(registry, UPSTREAM_CONNECT_FAILURES,
                "Upstream connection attempts that failed, per backend (<namespace>-<service>-<port>)",
                new String[] {BACKEND}, Labels.EMPTY);
        retries = SeriesFamily.counter(registry, UPSTREAM_RETRIES,
                "Upstream attempts after the first one of a request, per backend", new String[] {BACKEND},
                Labels.EMPTY);
    }

    private SeriesFamily histogram(PrometheusRegistry registry, MetricsOptions o, String name, String help,
            double[] buckets, Labels constLabels) {
        if (!o.exports(name)) {
            return null;
        }
        return SeriesFamily.histogram(registry, name, help, requestLabels, constLabels, buckets);
    }

    /** Every family that carries (namespace, ingress, canary) labels, for removing deleted Ingresses. */
    List<SeriesFamily> requestScoped() {
        List<SeriesFamily> all = new ArrayList<>();
        for (SeriesFamily m : new SeriesFamily[] {requests, requestDuration, responseDuration,
                headerDuration, connectDuration, requestSize, responseSize, bytesSent}) {
            if (m != null) {
                all.add(m);
            }
        }
        return all;
    }

    /**
     * Removes the series of Ingresses (and canaries) the new table no longer has. {@code live}
     * holds {@link #key} of every (namespace, main ingress, canary backend or "") it serves;
     * the bounded no-route series (ingress "") always stays.
     */
    void retain(Set<String> liveRoutes, Set<String> liveIngresses, Set<String> liveBackends) {
        int ns = indexOf(NAMESPACE);
        int ing = indexOf(INGRESS);
        int can = indexOf(CANARY);
        for (SeriesFamily m : requestScoped()) {
            m.removeIf(v -> !v.get(ing).isEmpty() && !liveRoutes.contains(key(v.get(ns), v.get(ing), v.get(can))));
        }
        if (legacyLatency != null) { // ingress, namespace, service, canary
            legacyLatency.removeIf(v -> !v.get(0).isEmpty() && !liveRoutes.contains(key(v.get(1), v.get(0), v.get(3))));
        }
        splitDecisions.removeIf(v -> !liveIngresses.contains(key(v.get(0), v.get(1), "")));
        connectFailures.removeIf(v -> !liveBackends.contains(v.get(0)));
        retries.removeIf(v -> !liveBackends.contains(v.get(0)));
    }

    static String key(String namespace, String ingress, String canary) {
        return namespace + '\u0000' + ingress + '\u0000' + canary;
    }

    private int indexOf(String label) {
        for (int i = 0; i < requestLabels.length; i++) {
            if (requestLabels[i].equals(label)) {
                return i;
            }
        }
        throw new IllegalStateException(label);
    }
}
