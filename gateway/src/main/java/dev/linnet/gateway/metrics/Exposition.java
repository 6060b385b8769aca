package dev.linnet.gateway.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the registry for {@code /metrics}: Prometheus text 0.0.4 by default, OpenMetrics 1.0
 * when the scraper's Accept header asks for it.
 *
 * <p>The one twist is ingress-nginx's counters without {@code _total}
 * ({@link MetricNames#NO_SUFFIX_COUNTERS}, e.g. {@code nginx_ingress_controller_requests}): the
 * Java client always adds the suffix to a counter's samples, and every Flagger / Argo Rollouts
 * query would then miss. So those families are handed to the writers as <em>unknown</em>-typed
 * snapshots (sample name = family name) and, in the 0.0.4 text format, their {@code # TYPE} line
 * is written back as {@code counter}, byte for byte what ingress-nginx serves. OpenMetrics
 * forbids a counter sample without {@code _total}, so there they stay {@code unknown}: same
 * series name, valid format. (ingress-nginx's Go handler never serves OpenMetrics.)
 */
public final class Exposition {

    /** What {@code /metrics} answers. */
    public record Body(String contentType, byte[] bytes) {
    }

    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();
    private static final OpenMetricsTextFormatWriter OPEN_METRICS = OpenMetricsTextFormatWriter.create();

    private Exposition() {
    }

    static Body render(PrometheusRegistry registry, String accept) {
        boolean openMetrics = accept != null && OPEN_METRICS.accepts(accept);
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (MetricSnapshot s : registry.scrape()) {
            snapshots.add(MetricNames.NO_SUFFIX_COUNTERS.contains(s.getMetadata().getName())
                    && s instanceof CounterSnapshot c ? asUnknown(c) : s);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            if (openMetrics) {
                OPEN_METRICS.write(out, new MetricSnapshots(snapshots), EscapingScheme.UNDERSCORE_ESCAPING);
                return new Body(OPEN_METRICS.getContentType(), out.toByteArray());
            }
            for (MetricSnapshot s : snapshots) {
                if (s instanceof UnknownSnapshot && MetricNames.NO_SUFFIX_COUNTERS.contains(s.getMetadata().getName())) {
                    ByteArrayOutputStream one = new ByteArrayOutputStream();
                    TEXT.write(one, MetricSnapshots.of(s), EscapingScheme.UNDERSCORE_ESCAPING);
                    String name = s.getMetadata().getName();
                    String text = one.toString(StandardCharsets.UTF_8)
                            .replace("# TYPE " + name + " untyped\n", "# TYPE " + name + " counter\n");
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                } else {
                    TEXT.write(out, MetricSnapshots.of(s), EscapingScheme.UNDERSCORE_ESCAPING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return new Body(TEXT.getContentType(), out.toByteArray());
    }

    private static UnknownSnapshot asUnknown(CounterSnapshot counter) {
        UnknownSnapshot.Builder b = UnknownSnapshot.builder()
                .name(counter.getMetadata().getName())
                .help(counter.getMetadata().getHelp());
        for (CounterSnapshot.CounterDataPointSnapshot p : counter.getDataPoints()) {
            b.dataPoint(UnknownSnapshot.UnknownDataPointSnapshot.builder()
                    .value(p.getValue()).labels(p.getLabels()).build());
        }
        return b.build();
    }
}
