package dev.linnet.gateway.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.MetricWithFixedMetadata;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A counter or classic-histogram family whose series are {@link Series} (per-event-loop cells)
 * instead of the library's data points, registered in the same {@link PrometheusRegistry} and
 * producing the same snapshots the library's {@link Counter} / {@link Histogram} produced:
 * metadata, labels (constant labels merged as the library merges them), non-cumulative bucket
 * counts with {@code +Inf} last, sum, created timestamp, no exemplars. The writers then format
 * them exactly as before ({@code ExpositionPinTest}).
 *
 * <p>The library metric is still built, but never registered nor recorded into: it is the
 * template for the name, help, type and label names the registry validates, so those stay the
 * library's by construction. Bucket bounds are MetricsOptions', as before; unlike the library
 * histogram, they are not overridden by a {@code prometheus.properties} file (Linnet ships none).
 */
final class SeriesFamily implements Collector {

    private final MetricWithFixedMetadata template;
    private final String[] labelNames;
    private final Labels constLabels;
    private final double[] upperBounds; // null for a counter
    private final ConcurrentHashMap<List<String>, Series> series = new ConcurrentHashMap<>();

    private SeriesFamily(MetricWithFixedMetadata template, String[] labelNames, Labels constLabels,
            double[] upperBounds) {
        this.template = template;
        this.labelNames = labelNames.clone();
        this.constLabels = constLabels;
        this.upperBounds = upperBounds;
    }

    static SeriesFamily counter(PrometheusRegistry registry, String name, String help, String[] labelNames,
            Labels constLabels) {
        Counter template = Counter.builder().withoutExemplars().name(name).help(help).labelNames(labelNames)
                .constLabels(constLabels).build();
        return register(registry, new SeriesFamily(template, labelNames, constLabels, null));
    }

    /** {@code buckets}: finite, increasing upper bounds; {@code +Inf} is added, as the library adds it. */
    static SeriesFamily histogram(PrometheusRegistry registry, String name, String help, String[] labelNames,
            Labels constLabels, double[] buckets) {
        Histogram template = Histogram.builder().withoutExemplars().name(name).help(help).labelNames(labelNames)
                .constLabels(constLabels).classicOnly().classicUpperBounds(buckets).build();
        double[] bounds = java.util.Arrays.copyOf(buckets, buckets.length + 1);
        bounds[buckets.length] = Double.POSITIVE_INFINITY;
        return register(registry, new SeriesFamily(template, labelNames, constLabels, bounds));
    }

    private static SeriesFamily register(PrometheusRegistry registry, SeriesFamily family) {
        requireNonNull(registry, "registry").register(family);
        return family;
    }

    /** The series of these label values, created on first use (as the library's {@code labelValues}). */
    Series labelValues(String... values) {
        if (values.length != labelNames.length) {
            throw new IllegalArgumentException(
                    "label values: " + values.length + " (expected: " + labelNames.length + ")");
        }
        return series.computeIfAbsent(List.of(values), k -> upperBounds == null ? Series.counter(values)
                : Series.histogram(upperBounds, values));
    }

    /**
     * Drops the series whose label values match. A thread still holding a dropped series may
     * record into it: its counts are simply never scraped again (callers stop handing out such
     * handles first, see {@link GatewayMetrics#tablePublished}).
     */
    void removeIf(Predicate<List<String>> drop) {
        series.keySet().removeIf(drop);
    }

    @Override
    public MetricSnapshot collect() {
        MetricMetadata metadata = template.getMetadata();
        if (upperBounds == null) {
            List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>(series.size());
            for (Series s : series.values()) {
                points.add(new CounterSnapshot.CounterDataPointSnapshot(s.counts()[0], labels(s), null,
                        s.createdMillis));
            }
            return new CounterSnapshot(metadata, points);
        }
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>(series.size());
        for (Series s : series.values()) {
            // Counts before the sum: a request observed in between shows in the sum only.
            ClassicHistogramBuckets buckets = ClassicHistogramBuckets.of(upperBounds, s.counts());
            points.add(new HistogramSnapshot.HistogramDataPointSnapshot(buckets, s.sum(), labels(s), Exemplars.EMPTY,
                    s.createdMillis));
        }
        return new HistogramSnapshot(metadata, points);
    }

    private Labels labels(Series s) {
        return constLabels.merge(labelNames, s.labelValues);
    }

    @Override
    public String getPrometheusName() {
        return template.getPrometheusName();
    }

    @Override
    public MetricType getMetricType() {
        return template.getMetricType();
    }

    @Override
    public Set<String> getLabelNames() {
        return template.getLabelNames();
    }

    @Override
    public MetricMetadata getMetadata() {
        return template.getMetadata();
    }

    @Override
    public MetricFamilyDescriptor getMetricFamilyDescriptor() {
        return template.getMetricFamilyDescriptor();
    }
}
