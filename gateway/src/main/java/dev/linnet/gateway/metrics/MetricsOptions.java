package dev.linnet.gateway.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * How request metrics are shaped; the {@code serve} flags of the same names (ingress-nginx's
 * flags, canary-spec.md §5).
 *
 * @param perHost {@code --metrics-per-host}: add the {@code host} label (default true)
 * @param reportStatusClasses {@code --report-status-classes}: {@code 2xx} … instead of {@code 200}
 * @param excluded {@code --exclude-socket-metrics}: request families not to export
 * @param timeBuckets {@code --time-buckets}
 * @param lengthBuckets {@code --length-buckets}
 * @param sizeBuckets {@code --size-buckets}
 * @param legacyLatency {@code --legacy-latency-metric}: also export the pre-1.12 Summary
 * @param controllerNamespace constant label {@code controller_namespace} (env POD_NAMESPACE)
 * @param controllerClass constant label {@code controller_class} ({@code --controller-class})
 * @param controllerPod constant label {@code controller_pod} (env POD_NAME)
 */
public record MetricsOptions(
        boolean perHost,
        boolean reportStatusClasses,
        Set<String> excluded,
        List<Double> timeBuckets,
        List<Double> lengthBuckets,
        List<Double> sizeBuckets,
        boolean legacyLatency,
        String controllerNamespace,
        String controllerClass,
        String controllerPod) {

    public MetricsOptions {
        excluded = Set.copyOf(requireNonNull(excluded, "excluded"));
        for (String name : excluded) {
            if (!MetricNames.SOCKET_METRICS.contains(name)) {
                throw new IllegalArgumentException("exclude-socket-metrics: " + name + " (expected one of: "
                        + MetricNames.SOCKET_METRICS.stream().sorted().toList() + ")");
            }
        }
        timeBuckets = checkBuckets("time-buckets", timeBuckets);
        lengthBuckets = checkBuckets("length-buckets", lengthBuckets);
        sizeBuckets = checkBuckets("size-buckets", sizeBuckets);
        requireNonNull(controllerNamespace, "controllerNamespace");
        requireNonNull(controllerClass, "controllerClass");
        requireNonNull(controllerPod, "controllerPod");
    }

    /** ingress-nginx's defaults; constant labels empty. */
    public static MetricsOptions defaults() {
        return new MetricsOptions(true, false, Set.of(), MetricNames.TIME_BUCKETS, MetricNames.LENGTH_BUCKETS,
                MetricNames.SIZE_BUCKETS, false, "", "", "");
    }

    public MetricsOptions withPerHost(boolean on) {
        return new MetricsOptions(on, reportStatusClasses, excluded, timeBuckets, lengthBuckets, sizeBuckets,
                legacyLatency, controllerNamespace, controllerClass, controllerPod);
    }

    public MetricsOptions withStatusClasses(boolean on) {
        return new MetricsOptions(perHost, on, excluded, timeBuckets, lengthBuckets, sizeBuckets,
                legacyLatency, controllerNamespace, controllerClass, controllerPod);
    }

    public MetricsOptions withExcluded(Set<String> names) {
        return new MetricsOptions(perHost, reportStatusClasses, names, timeBuckets, lengthBuckets, sizeBuckets,
                legacyLatency, controllerNamespace, controllerClass, controllerPod);
    }

    public MetricsOptions withBuckets(List<Double> time, List<Double> length, List<Double> size) {
        return new MetricsOptions(perHost, reportStatusClasses, excluded, time, length, size,
                legacyLatency, controllerNamespace, controllerClass, controllerPod);
    }

    public MetricsOptions withLegacyLatency(boolean on) {
        return new MetricsOptions(perHost, reportStatusClasses, excluded, timeBuckets, lengthBuckets, sizeBuckets,
                on, controllerNamespace, controllerClass, controllerPod);
    }

    public MetricsOptions withController(String namespace, String controllerClass, String pod) {
        return new MetricsOptions(perHost, reportStatusClasses, excluded, timeBuckets, lengthBuckets, sizeBuckets,
                legacyLatency, namespace, controllerClass, pod);
    }

    boolean exports(String family) {
        return !excluded.contains(family);
    }

    static double[] toArray(List<Double> buckets) {
        return buckets.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Double> checkBuckets(String flag, List<Double> buckets) {
        List<Double> copy = List.copyOf(requireNonNull(buckets, flag));
        if (copy.isEmpty()) {
            throw new IllegalArgumentException(flag + ": [] (expected: at least one bucket)");
        }
        for (int i = 0; i < copy.size(); i++) {
            double b = copy.get(i);
            if (Double.isNaN(b) || Double.isInfinite(b) || (i > 0 && b <= copy.get(i - 1))) {
                throw new IllegalArgumentException(flag + ": " + copy + " (expected: finite, strictly increasing)");
            }
        }
        return copy;
    }
}
